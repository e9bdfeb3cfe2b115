package org.postern.rbl;

/**
 * Which name an RHSBL lookup is about (RFC 5782 §2.2). A list declares the kinds it checks in
 * {@link RblList#nameKinds()}; {@link RblChecker#checkName} asks only those lists.
 */
public enum NameKind {
    /** The HELO/EHLO argument, as the client sent it. */
    HELO("Helo command"),
    /** The domain of the MAIL FROM address, in A-label (ASCII) form. */
    SENDER_DOMAIN("Sender address"),
    /** The client's reverse name, only once forward-confirmed (Postfix macro {@code _} / {@code {client_name}}). */
    CLIENT_NAME("Client host");

    private final String rblClass;

    NameKind(String rblClass) {
        this.rblClass = rblClass;
    }

    /** The text of Postfix's {@code $rbl_class} for this kind (POSTFIX: {@code SMTPD_NAME_*} in smtpd_check.c). */
    String rblClass() {
        return rblClass;
    }
}
