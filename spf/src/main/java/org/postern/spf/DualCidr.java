package org.postern.spf;

import java.util.Optional;

/**
 * The prefix lengths of the a and mx mechanisms (RFC 7208 §5.6).
 *
 * <pre>
 * dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 * ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
 * ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
 * </pre>
 *
 * @param ip4 the IPv4 prefix length, 0-32 (32 when absent)
 * @param ip6 the IPv6 prefix length, 0-128 (128 when absent)
 */
record DualCidr(int ip4, int ip6) {

    static final DualCidr FULL = new DualCidr(32, 128);

    DualCidr {
        if (ip4 < 0 || ip4 > 32 || ip6 < 0 || ip6 > 128) {
            throw new IllegalArgumentException("prefix lengths out of range: /" + ip4 + "//" + ip6);
        }
    }

    /**
     * A mechanism argument split into what precedes the dual-cidr-length and the lengths.
     *
     * @param body the text before the lengths (":domain-spec", or "" when the mechanism has no domain-spec)
     * @param cidr the lengths, {@link #FULL} when none are written
     */
    record Split(String body, DualCidr cidr) {
    }

    /**
     * Splits a trailing dual-cidr-length off {@code args}. Scanned from the end by hand (no backtracking regex on
     * someone else's record). A length out of range or with a leading zero is a syntax error.
     */
    static Parsed<Split> split(String args) {
        int end = args.length();
        int ip6 = 128;
        int ip4 = 32;
        int digits = digitsBefore(args, end);
        if (digits < end && digits >= 2 && args.charAt(digits - 1) == '/' && args.charAt(digits - 2) == '/') {
            Optional<Integer> v = IpAddresses.decimal(args, digits, end, 128);
            if (v.isEmpty()) {
                return Parsed.error("bad ip6-cidr-length \"" + args.substring(digits - 2, end) + "\"");
            }
            ip6 = v.get();
            end = digits - 2;
            digits = digitsBefore(args, end);
        }
        if (digits < end && digits >= 1 && args.charAt(digits - 1) == '/') {
            Optional<Integer> v = IpAddresses.decimal(args, digits, end, 32);
            if (v.isEmpty()) {
                return Parsed.error("bad ip4-cidr-length \"" + args.substring(digits - 1, end) + "\"");
            }
            ip4 = v.get();
            end = digits - 1;
        }
        return Parsed.ok(new Split(args.substring(0, end), new DualCidr(ip4, ip6)));
    }

    private static int digitsBefore(String s, int end) {
        int i = end;
        while (i > 0 && s.charAt(i - 1) >= '0' && s.charAt(i - 1) <= '9') {
            i--;
        }
        return i;
    }

    /** The prefix length for the client's family. */
    int forFamily(boolean ipv6) {
        return ipv6 ? ip6 : ip4;
    }

    /** The suffix as written in a record: "" for {@link #FULL}, else "/24", "//64" or "/24//64". */
    String text() {
        return (ip4 == 32 ? "" : "/" + ip4) + (ip6 == 128 ? "" : "//" + ip6);
    }
}
