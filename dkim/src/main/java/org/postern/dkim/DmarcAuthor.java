package org.postern.dkim;

import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the author domain of a message, the RFC5322.From domain of RFC 7489 §3.1 and §6.6.1, in its From: fields.
 *
 * <p>A From: field holds a mailbox-list (RFC 5322 §3.6.2), or, in obsolete and broken mail, an address-list with
 * groups. This is not a full RFC 5322 parser; it finds the addr-spec of each mailbox and keeps its domain:
 * <ul>
 *   <li>comments are dropped, nested or not, with quoted-pairs (§3.2.2);
 *   <li>quoted-strings are opaque (§3.2.4), so {@code "Doe, John <x@y>" <a@b>} and {@code "a@b"@example.org} work;
 *   <li>a mailbox is split off at a comma outside quotes and angle brackets; {@code name:} opens a group and
 *       {@code ;} closes it (§3.4);
 *   <li>{@code <...>} wins over the rest of a mailbox (the display name, even an encoded word with an "@"); an
 *       obsolete route {@code <@relay:a@b>} is dropped (§4.4);
 *   <li>a piece with neither {@code @} nor brackets is taken for a display name cut at an unquoted comma
 *       ({@code Doe, John <j@example.org>}) and skipped.
 * </ul>
 * The domain is the text after the last {@code @}, with whitespace and a trailing dot removed, U-labels (UTF-8,
 * RFC 6532) turned into A-labels (RFC 5890), lower-cased, and checked to be a host name (letters, digits, hyphens,
 * underscores).
 */
final class DmarcAuthor {
    private DmarcAuthor() {}

    /** Longest name that fits in a DNS query (RFC 1035 §2.3.4), in text form without the trailing dot. */
    private static final int MAX_NAME = 253;

    /** RFC 7489 §6.6.1: exactly one From: field whose addresses all share one domain, or the reason why not. */
    static Parsed<String> domain(List<String> fromFieldValues) {
        if (fromFieldValues.isEmpty()) {
            return Parsed.invalid("no From field");
        }
        if (fromFieldValues.size() > 1) {
            return Parsed.invalid("several From fields");
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String address : addresses(fromFieldValues.get(0))) {
            Parsed<String> domain = domainOf(address);
            if (domain instanceof Parsed.Invalid<String> invalid) {
                return invalid;
            }
            domains.add(((Parsed.Ok<String>) domain).value());
        }
        if (domains.isEmpty()) {
            return Parsed.invalid("no author address");
        }
        if (domains.size() > 1) {
            return Parsed.invalid("several author domains");
        }
        return Parsed.ok(domains.iterator().next());
    }

    /** The addr-specs in a From: field value, comments and display names removed, quoted local parts emptied. */
    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder outside = new StringBuilder();   // the mailbox text outside <...>
        StringBuilder angle = null;                     // the text inside <...>, once a "<" was seen
        boolean inAngle = false;
        boolean inQuote = false;
        int commentDepth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (inQuote) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inQuote = false;
                }
                continue;   // quoted text never holds the domain: drop it (an "@" in it must not count)
            }
            if (commentDepth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    commentDepth++;
                } else if (c == ')') {
                    commentDepth--;
                }
                continue;
            }
            StringBuilder target = inAngle ? angle : outside;
            switch (c) {
                case '"' -> {
                    inQuote = true;
                    target.append('"');   // a placeholder: "a b"@x keeps a local part
                }
                case '(' -> {
                    commentDepth = 1;
                    target.append(' ');
                }
                case '<' -> {
                    inAngle = true;
                    angle = new StringBuilder();
                }
                case '>' -> inAngle = false;
                case ',', ';' -> {
                    if (inAngle) {
                        target.append(c);   // obs-route "<@a,@b:x@y>"
                    } else {
                        flush(outside, angle, out);
                        angle = null;
                    }
                }
                case ':' -> {
                    if (inAngle) {
                        target.append(c);
                    } else {
                        outside.setLength(0);   // RFC 5322 §3.4: "display-name:" opens a group
                    }
                }
                default -> target.append(c);
            }
        }
        flush(outside, angle, out);
        return out;
    }

    private static void flush(StringBuilder outside, StringBuilder angle, List<String> out) {
        String address;
        if (angle != null) {
            String inside = angle.toString();
            int route = inside.lastIndexOf(':');   // RFC 5322 §4.4 obs-angle-addr: "<@relay:a@b>"
            address = removeWhitespace(route >= 0 ? inside.substring(route + 1) : inside);
        } else {
            address = removeWhitespace(outside.toString());
            if (address.indexOf('@') < 0) {
                address = "";   // a display name cut at an unquoted comma, or an empty list element
            }
        }
        if (!address.isEmpty()) {
            out.add(address);
        }
        outside.setLength(0);
    }

    /** The domain of an addr-spec, in A-labels and lower case, or why there is none usable. */
    static Parsed<String> domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return Parsed.invalid("author address without domain");
        }
        String domain = address.substring(at + 1);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty()) {
            return Parsed.invalid("author address without domain");
        }
        if (domain.startsWith("[")) {
            return Parsed.invalid("author domain is an address literal");
        }
        if (!isAscii(domain)) {
            try {
                domain = IDN.toASCII(utf8(domain), IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return Parsed.invalid("author domain is not a valid IDN");
            }
        }
        domain = domain.toLowerCase(Locale.ROOT);
        return isHostName(domain) ? Parsed.ok(domain) : Parsed.invalid("author domain is not a domain name");
    }

    /** Letters, digits, hyphens and (as real names have them) underscores, in labels of 1 to 63 chars. */
    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * RFC 6532 header fields carry UTF-8. {@link HeaderField} holds octets as chars (ISO-8859-1), so a value whose
     * chars are all octets and form valid UTF-8 is decoded; anything else is taken as text already.
     */
    private static String utf8(String s) {
        byte[] octets = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                return s;
            }
            octets[i] = (byte) c;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets))
                    .toString();
        } catch (CharacterCodingException e) {
            return s;   // not UTF-8: ISO-8859-1 text, as decoded
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String removeWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
