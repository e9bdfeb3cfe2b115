package org.postern.dkim;

/** ASCII-only text helpers: DKIM's grammar is ASCII, and {@link String#toLowerCase} would touch octets above 0x7f. */
final class Ascii {
    private Ascii() {}

    /** RFC 5234 WSP: space or horizontal tab. */
    static boolean isWsp(int c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 6376 §2.8 FWS, loosely: WSP, or the CR and LF of a fold. */
    static boolean isFws(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static String lower(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(s);
                }
                out.setCharAt(i, (char) (c + 32));
            }
        }
        return out == null ? s : out.toString();
    }

    static boolean equalsIgnoreCase(String a, String b) {
        return a.length() == b.length() && lower(a).equals(lower(b));
    }

    /** {@code s} without leading and trailing FWS. */
    static String trimFws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isFws(s.charAt(start))) {
            start++;
        }
        while (end > start && isFws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code s} without leading and trailing WSP. */
    static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWsp(s.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code s} with every FWS char removed: base64 values may be folded anywhere (RFC 6376 §3.5 b=, bh=). */
    static String removeFws(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isFws(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
