package org.postern.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * Conversion between Postern's domain-name strings and dnsjava {@link Name}s.
 *
 * <p>A name string is labels separated by dots, with an optional trailing dot; a lone {@code "."} is the root.
 * Each char of a label is one octet (ISO-8859-1), so any octet can be written and every octet read back survives,
 * and there are no escapes: {@code "foo:bar/baz.example.com"} is three labels. ASCII letters are folded to lower
 * case (RFC 4343: names compare case-insensitively). Limits are those of RFC 1035 §2.3.4: a label is 1 to 63
 * octets and a name at most 255 octets in wire form (253 chars of text without the trailing dot).
 */
final class DomainNames {

    static final int MAX_LABEL_OCTETS = 63;
    static final int MAX_NAME_OCTETS = 255;

    private DomainNames() {
    }

    /** The name, or empty when the string cannot be a domain name under the rules above. */
    static Optional<Name> parse(String text) {
        if (text.equals(".")) {
            return Optional.of(Name.root);
        }
        String s = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (s.isEmpty()) {
            return Optional.empty();
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream(s.length() + 2);
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            int length = end - start;
            if (length == 0 || length > MAX_LABEL_OCTETS) {
                return Optional.empty();
            }
            wire.write(length);
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c > 0xff) {
                    return Optional.empty();
                }
                wire.write(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        wire.write(0);
        if (wire.size() > MAX_NAME_OCTETS) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Name(wire.toByteArray()));
        } catch (IOException e) {
            throw new IllegalStateException("wire name built from checked labels did not parse: " + text, e);
        }
    }

    /** Like {@link #parse} but throws for strings that are not names; for test zones and configuration. */
    static Name parseOrThrow(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                "not a domain name (empty label, label over 63 octets, name over 255 octets, or char above U+00FF): \""
                        + text + "\""));
    }

    /** The name as a string: labels joined by dots, no trailing dot, lower case; the root is {@code "."}. */
    static String toText(Name name) {
        int labels = name.labels();
        if (labels <= 1) {
            return ".";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < labels; i++) {
            byte[] label = name.getLabel(i);   // length octet first
            if (label.length <= 1) {
                break;   // the root label
            }
            if (out.length() > 0) {
                out.append('.');
            }
            for (int j = 1; j < label.length; j++) {
                char c = (char) (label[j] & 0xff);
                out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            }
        }
        return out.toString();
    }
}
