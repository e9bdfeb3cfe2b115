package org.postern.spf;

import java.util.Locale;
import java.util.Optional;

/** Domain-name rules that SPF applies before it asks DNS anything (RFC 7208 §4.3, §7.3; RFC 1035 §2.3.4). */
final class DomainNames {

    /** RFC 7208 §7.3: expanded names are cut to 253 characters; also the RFC 1035 limit without the root dot. */
    static final int MAX_NAME_LENGTH = 253;
    /** RFC 1035 §2.3.4. */
    static final int MAX_LABEL_LENGTH = 63;

    private DomainNames() {
    }

    /**
     * RFC 7208 §4.3: whether {@code domain} can start check_host(). A malformed name (a label longer than 63
     * characters, an empty label not at the end, over 253 characters), a single label, or an address literal
     * ("[192.0.2.1]") cannot, and check_host() returns "none" for it.
     */
    static boolean isCheckable(String domain) {
        String name = withoutTrailingDot(domain);
        if (name.isEmpty() || name.startsWith("[") || name.length() > MAX_NAME_LENGTH || name.indexOf('.') < 0) {
            return false;
        }
        return hasValidLabels(name);
    }

    /**
     * The DNS name to query for an expanded target-name (RFC 7208 §4.8 and §7.3): without its trailing dot, and if
     * longer than 253 characters cut from the left by whole labels. Empty if no query can be composed from it (an
     * empty label, a label over 63 characters): such a name cannot exist, so the term does not match.
     */
    static Optional<String> queryName(String expanded) {
        String name = withoutTrailingDot(expanded);
        // RFC 7208 §7.3: "the left side is truncated to fit, by removing successive domain labels (and their
        // following dots) until the total length does not exceed 253 characters."
        while (name.length() > MAX_NAME_LENGTH) {
            int dot = name.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            name = name.substring(dot + 1);
        }
        return !name.isEmpty() && hasValidLabels(name) ? Optional.of(name) : Optional.empty();
    }

    /** Whether {@code name} equals {@code domain} or is a subdomain of it, ignoring case (RFC 7208 §5.5). */
    static boolean isSameOrSubdomain(String name, String domain) {
        String n = withoutTrailingDot(name).toLowerCase(Locale.ROOT);
        String d = withoutTrailingDot(domain).toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }

    static boolean equalsIgnoreCase(String a, String b) {
        return withoutTrailingDot(a).equalsIgnoreCase(withoutTrailingDot(b));
    }

    static String withoutTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * RFC 7208 §7.1 toplabel: {@code ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" )
     * alphanum )}. Letters and digits with at least one letter, or with inner dashes; never all digits.
     */
    static boolean isTopLabel(String label) {
        if (label.isEmpty()) {
            return false;
        }
        boolean letter = false;
        boolean dash = false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '-') {
                dash = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letter = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        if (dash) {
            return label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-';
        }
        return letter;
    }

    private static boolean hasValidLabels(String name) {
        int start = 0;
        while (true) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            int length = end - start;
            if (length == 0 || length > MAX_LABEL_LENGTH) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }
}
