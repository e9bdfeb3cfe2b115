package org.postern.dkim;

/** Writes a {@link DkimResult} as an RFC 8601 resinfo ({@code dkim=pass header.d=... header.s=... header.b=...}). */
final class AuthenticationResults {
    private AuthenticationResults() {}

    static String resinfo(DkimResult result) {
        StringBuilder out = new StringBuilder("dkim=").append(result.keyword());
        if (!result.reason().isEmpty()) {
            // RFC 8601 §2.2: reasonspec = "reason" [CFWS] "=" [CFWS] value
            out.append(" reason=").append(quoted(result.reason()));
        }
        property(out, "header.d", result.domain());
        property(out, "header.s", result.selector());
        property(out, "header.b", result.headerB());
        return out.toString();
    }

    private static void property(StringBuilder out, String name, String value) {
        if (!value.isEmpty()) {
            out.append(' ').append(name).append('=').append(isToken(value) ? value : quoted(value));
        }
    }

    /**
     * RFC 8601 §2.2 pvalue is a token or a quoted-string (or a domain): a b= prefix with "/" or "+" is not an RFC 2045
     * token, so it is quoted.
     */
    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** A quoted-string (RFC 5322 §3.2.4); chars a header cannot carry (controls, 8-bit) become "?". */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < ' ' || c >= 0x7f) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
