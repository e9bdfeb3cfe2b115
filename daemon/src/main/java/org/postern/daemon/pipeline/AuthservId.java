package org.postern.daemon.pipeline;

import java.util.Optional;

/**
 * Reads the authserv-id of an {@code Authentication-Results} field (RFC 8601 §2.2:
 * {@code authres-header-field = "Authentication-Results:" authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )},
 * {@code authserv-id = value}, {@code value} being an RFC 2045 token or quoted-string), so that Postern can delete
 * fields that claim to be its own (RFC 8601 §5: an MTA must remove such fields arriving from outside).
 */
final class AuthservId {
    private AuthservId() {}

    /** The authserv-id of a field value, or empty when the value does not start with one. */
    static Optional<String> of(String fieldValue) {
        int i = skipCfws(fieldValue, 0);
        if (i >= fieldValue.length()) {
            return Optional.empty();
        }
        if (fieldValue.charAt(i) == '"') {
            StringBuilder sb = new StringBuilder();
            for (int j = i + 1; j < fieldValue.length(); j++) {
                char c = fieldValue.charAt(j);
                if (c == '\\' && j + 1 < fieldValue.length()) {
                    sb.append(fieldValue.charAt(++j));
                } else if (c == '"') {
                    return Optional.of(sb.toString());
                } else {
                    sb.append(c);
                }
            }
            return Optional.empty();  // unterminated quoted-string
        }
        int start = i;
        while (i < fieldValue.length() && isTokenChar(fieldValue.charAt(i))) {
            i++;
        }
        return i == start ? Optional.empty() : Optional.of(fieldValue.substring(start, i));
    }

    /** Whether the field value names {@code authservId} (case-insensitive, as domain names compare). */
    static boolean claims(String fieldValue, String authservId) {
        return of(fieldValue).map(id -> id.equalsIgnoreCase(authservId)).orElse(false);
    }

    /** RFC 2045 §5.1 token: any printable US-ASCII except SPACE and tspecials. */
    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    /** RFC 5322 §3.2.2 CFWS: whitespace, folding and (nested) comments. */
    private static int skipCfws(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            } else if (c == '(') {
                depth = 1;
            } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return i;
            }
            i++;
        }
        return i;
    }
}
