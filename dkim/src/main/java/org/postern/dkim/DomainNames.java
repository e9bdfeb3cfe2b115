package org.postern.dkim;

/** Syntax checks for the names in {@code d=}, {@code s=} and {@code i=} (RFC 6376 §3.5, RFC 5321 §4.1.2). */
final class DomainNames {
    private DomainNames() {}

    /** Longest name that fits in a DNS query (RFC 1035 §2.3.4), in text form without the trailing dot. */
    private static final int MAX_NAME = 253;

    /**
     * RFC 6376 §3.5 d=: a domain-name, that is RFC 5321 {@code sub-domain *("." sub-domain)} with
     * {@code sub-domain = Let-dig [Ldh-str]}. A trailing dot is not allowed.
     */
    static boolean isDomain(String s) {
        return isDottedName(s, false);
    }

    /**
     * RFC 6376 §3.1 selectors are sub-domains too, but real ones carry underscores ("google_2023"); DNS takes them,
     * so they are accepted.
     */
    static boolean isSelector(String s) {
        return isDottedName(s, true);
    }

    /** Whether {@code sub} is {@code domain} or a subdomain of it, ignoring ASCII case (RFC 6376 §3.5 i=). */
    static boolean isSameOrSubdomain(String sub, String domain) {
        String a = Ascii.lower(sub);
        String b = Ascii.lower(domain);
        return a.equals(b) || a.endsWith("." + b);
    }

    private static boolean isDottedName(String s, boolean underscore) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.charAt(0) == '-'
                    || label.charAt(label.length() - 1) == '-') {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || (underscore && c == '_');
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
