package org.postern.spf;

import java.util.Optional;

/**
 * Header field values that report an SPF result: {@code Received-SPF} (RFC 7208 §9.1) and the {@code spf} method of
 * {@code Authentication-Results} (RFC 8601 §2.7.2). Values come from the client (sender, HELO) and from DNS (reasons),
 * so every control and non-ASCII character becomes "?" and everything is quoted where the grammar asks: no header
 * injection is possible through these strings.
 */
public final class ReceivedSpf {

    private ReceivedSpf() {
    }

    /**
     * The value of a {@code Received-SPF} field (RFC 7208 §9.1), without the field name, on one line (the caller
     * folds if it wants):
     * {@code pass (mx.example.net: domain of a@example.org designates 192.0.2.1 as permitted sender)
     * client-ip=192.0.2.1; envelope-from="a@example.org"; helo=mail.example.org; receiver=mx.example.net;
     * identity=mailfrom; mechanism="ip4:192.0.2.0/24"}. The receiver is {@code query.receivingHost()}, left out
     * when empty; {@code envelope-from} is left out for the null sender; {@code problem} replaces {@code mechanism}
     * for permerror and temperror.
     */
    public static String header(SpfResult result, SpfQuery query) {
        String receiver = clean(query.receivingHost());
        StringBuilder out = new StringBuilder(256).append(result.keyword()).append(" (");
        if (!receiver.isEmpty()) {
            out.append(commentText(receiver)).append(": ");
        }
        out.append(commentText(clean(result.describe(query)))).append(')');
        out.append(" client-ip=").append(dotAtomOrQuoted(ClientAddress.of(query.clientIp()).text()));
        if (!query.sender().isEmpty()) {
            out.append("; envelope-from=").append(dotAtomOrQuoted(clean(query.sender())));
        }
        if (!query.helo().isEmpty()) {
            out.append("; helo=").append(dotAtomOrQuoted(clean(query.helo())));
        }
        if (!receiver.isEmpty()) {
            out.append("; receiver=").append(dotAtomOrQuoted(receiver));
        }
        out.append("; identity=").append(result.identity().keyword());
        Optional<String> mechanism = result.matchedMechanism();
        mechanism.ifPresent(m -> out.append("; mechanism=").append(dotAtomOrQuoted(clean(m))));
        result.problem().ifPresent(p -> out.append("; problem=").append(dotAtomOrQuoted(clean(p))));
        return out.toString();
    }

    /**
     * The {@code resinfo} for Authentication-Results (RFC 8601 §2.2, §2.7.2): {@code spf=pass smtp.mailfrom=example.org}
     * for the MAIL FROM identity (the checked domain: the sender's, or the HELO name for the null sender), or
     * {@code spf=none smtp.helo=mail.example.org} for the HELO identity. The caller adds the authserv-id and joins
     * several resinfos with ";".
     */
    public static String authenticationResults(SpfResult result, SpfQuery query) {
        String property = result.identity() == SpfIdentity.HELO ? "smtp.helo" : "smtp.mailfrom";
        String value = result.identity() == SpfIdentity.HELO ? query.helo() : result.domain();
        return "spf=" + result.keyword() + " " + property + "=" + tokenOrQuoted(clean(value));
    }

    /** Replaces control characters, DEL and non-ASCII with "?". */
    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** RFC 5322 §3.2.2 ctext: "(", ")" and "\" become quoted-pairs. */
    private static String commentText(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** RFC 7208 §9.1: a value is dot-atom or quoted-string (RFC 5322 §3.2.3, §3.2.4). */
    static String dotAtomOrQuoted(String value) {
        return isDotAtom(value) ? value : quoted(value);
    }

    /** RFC 8601 §2.2: a pvalue here is a token (RFC 2045 §5.1) or a quoted-string. */
    static String tokenOrQuoted(String value) {
        if (value.isEmpty()) {
            return quoted(value);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return quoted(value);
            }
        }
        return value;
    }

    private static boolean isDotAtom(String value) {
        if (value.isEmpty() || value.startsWith(".") || value.endsWith(".") || value.contains("..")) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    private static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }
}
