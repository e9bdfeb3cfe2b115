package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The envelope of the current transaction.
 *
 * @param sender     the reverse-path without angle brackets; empty for the null sender {@code <>}
 * @param authUser   the SASL login ({@code {auth_authen}}), if the client authenticated
 * @param outgoing   whether this is outgoing mail (submission, authenticated, local, or a configured network)
 * @param recipients the recipients accepted so far, without angle brackets
 */
public record Envelope(String sender, Optional<String> authUser, boolean outgoing, List<String> recipients) {

    public Envelope {
        requireNonNull(sender, "sender");
        requireNonNull(authUser, "authUser");
        recipients = List.copyOf(recipients);
    }

    /** The domain of the sender, lower case; empty for the null sender or an address without {@code @}. */
    public String senderDomain() {
        return domainOf(sender);
    }

    /** {@code <a@b>} or {@code a@b} (smtpd sends brackets, the sendmail path does not; §2) → {@code a@b}. */
    public static String stripBrackets(String path) {
        String p = path.trim();
        if (p.startsWith("<") && p.endsWith(">")) {
            p = p.substring(1, p.length() - 1);
        }
        return p;
    }

    /** The lower-case domain of an address, or empty. */
    public static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    Envelope withRecipient(String recipient) {
        var list = new java.util.ArrayList<>(recipients);
        list.add(recipient);
        return new Envelope(sender, authUser, outgoing, list);
    }
}
