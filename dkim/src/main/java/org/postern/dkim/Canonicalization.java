package org.postern.dkim;

import java.util.Optional;

/**
 * The two canonicalization algorithms of RFC 6376 §3.4, for header fields and for the body; a signature names one of
 * each in {@code c=} ({@code c=relaxed/simple}).
 */
public enum Canonicalization {
    /** RFC 6376 §3.4.1 (header) and §3.4.3 (body): octets as they are, trailing empty body lines aside. */
    SIMPLE("simple"),
    /** RFC 6376 §3.4.2 (header) and §3.4.4 (body): case of names, whitespace runs and line ends do not matter. */
    RELAXED("relaxed");

    private final String tagValue;

    Canonicalization(String tagValue) {
        this.tagValue = tagValue;
    }

    /** The name as written in {@code c=}: {@code simple} or {@code relaxed}. */
    public String tagValue() {
        return tagValue;
    }

    /** The algorithm named {@code text} in {@code c=} (case-insensitive), or empty for an unknown name. */
    static Optional<Canonicalization> fromTag(String text) {
        for (Canonicalization c : values()) {
            if (Ascii.equalsIgnoreCase(c.tagValue, text)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The canonical form of one header field, ending in CRLF, as octets in a string (one char per octet). */
    String header(String name, String value) {
        return headerWithoutCrlf(name, value) + "\r\n";
    }

    /**
     * The canonical form without the final CRLF: RFC 6376 §3.7 hashes the DKIM-Signature field itself last, without
     * its trailing CRLF.
     */
    String headerWithoutCrlf(String name, String value) {
        return switch (this) {
            case SIMPLE -> name + ":" + crlfLineEnds(value);
            case RELAXED -> Ascii.lower(Ascii.trimWsp(name)) + ":" + relaxedValue(value);
        };
    }

    /**
     * RFC 6376 §3.4.1: "The "simple" header canonicalization algorithm does not change header fields in any way."
     * POSTFIX: folds arrive joined by a bare LF; the signer hashed the CRLF of the wire, so a bare LF counts as CRLF.
     */
    private static String crlfLineEnds(String value) {
        if (value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' && (i == 0 || value.charAt(i - 1) != '\r')) {
                out.append('\r');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * RFC 6376 §3.4.2: unfold (drop the CRLF of every fold), turn each run of WSP into one SP, delete WSP at the end
     * of the value and WSP before and after the colon (the latter is {@code trimWsp} of the name, the former here).
     */
    private static String relaxedValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (Ascii.isWsp(c)) {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && out.length() > 0) {
                out.append(' ');
            }
            pendingSpace = false;
            out.append(c);
        }
        return out.toString();
    }
}
