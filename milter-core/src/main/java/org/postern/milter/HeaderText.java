package org.postern.milter;

/** Checks on strings that go into C strings on the wire: no NUL inside, header names as RFC 5322 §2.2 field names. */
final class HeaderText {
    private HeaderText() {}

    static void checkNoNul(String s, String what) {
        if (s == null) {
            throw new NullPointerException(what);
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains NUL");
        }
    }

    static void checkValue(String value) {
        checkNoNul(value, "header value");
    }

    /** RFC 5322 §2.2: a field name is one or more printable US-ASCII characters other than colon. */
    static void checkName(String name) {
        checkNoNul(name, "header name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                throw new IllegalArgumentException("header name has an invalid character at " + i + ": " + name);
            }
        }
    }
}
