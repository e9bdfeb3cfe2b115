package org.postern.bayes;

/**
 * Reads one parameter of a Content-Type or Content-Disposition field body (RFC 2045 §5.1, RFC 2183 §2): a token or a
 * quoted string after {@code name=}, or an RFC 2231 extended value {@code name*=charset'lang'text} (the charset and
 * language are dropped, percent escapes kept: the value is only a token source). Lenient, as spam's headers are.
 */
final class MimeParameters {

    private MimeParameters() {
    }

    /** The value of parameter {@code name} (lower case, matched without regard to case), or null when absent. */
    static String get(String body, String name) {
        // Compared in place, not on a lower-cased copy: lower-casing may change the length ("İ"), and the indexes
        // found must be the original's.
        int from = body.indexOf(';');
        while (from >= 0) {
            int at = from + 1;
            while (at < body.length() && Character.isWhitespace(body.charAt(at))) {
                at++;
            }
            if (body.regionMatches(true, at, name, 0, name.length())) {
                int after = at + name.length();
                boolean extended = after < body.length() && body.charAt(after) == '*';
                if (extended) {
                    after++;
                }
                while (after < body.length() && Character.isWhitespace(body.charAt(after))) {
                    after++;
                }
                if (after < body.length() && body.charAt(after) == '=') {
                    String value = value(body, after + 1);
                    if (extended) {
                        int quote = value.indexOf('\'', value.indexOf('\'') + 1);
                        value = quote >= 0 ? value.substring(quote + 1) : value;
                    }
                    return value;
                }
            }
            from = body.indexOf(';', from + 1);
        }
        return null;
    }

    private static String value(String s, int start) {
        int i = start;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '"') {
            var sb = new StringBuilder();
            for (i++; i < s.length() && s.charAt(i) != '"'; i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    c = s.charAt(++i);
                }
                sb.append(c);
            }
            return sb.toString();
        }
        int end = i;
        while (end < s.length() && s.charAt(end) != ';' && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        return s.substring(i, end);
    }
}
