package org.postern.spf;

import java.util.Optional;
import org.postern.dns.AddressText;

/**
 * Strict address literals as SPF records write them (RFC 7208 §5.6), and the text forms macros need. Never calls
 * {@link java.net.InetAddress#getByName}, which would resolve anything that is not a literal.
 */
final class IpAddresses {

    private IpAddresses() {
    }

    /**
     * RFC 7208 §5.6 ip4-network: four dec-octets, no leading zeros (RFC 3986 §3.2.2 dec-octet). 4 octets, or empty.
     */
    static Optional<byte[]> parseIpv4(String text) {
        byte[] out = new byte[4];
        int start = 0;
        for (int octet = 0; octet < 4; octet++) {
            int end = octet < 3 ? text.indexOf('.', start) : text.length();
            if (end < 0) {
                return Optional.empty();
            }
            Optional<Integer> value = decimal(text, start, end, 255);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            out[octet] = (byte) (int) value.get();
            start = end + 1;
        }
        return Optional.of(out);
    }

    /**
     * RFC 4291 §2.2 text forms (as RFC 7208 §5.6 ip6-network): eight groups of 1-4 hex digits, one "::" for one or
     * more zero groups, optionally a dotted IPv4 address as the last 32 bits. 16 octets, or empty.
     */
    static Optional<byte[]> parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        byte[] out = new byte[16];
        if (gap < 0) {
            return groups(text, out, 0, 16) == 16 ? Optional.of(out) : Optional.empty();
        }
        byte[] head = new byte[16];
        byte[] tail = new byte[16];
        int headLength = gap == 0 ? 0 : groups(text.substring(0, gap), head, 0, 14);
        String tailText = text.substring(gap + 2);
        int tailLength = tailText.isEmpty() ? 0 : groups(tailText, tail, 0, 14);
        if (headLength < 0 || tailLength < 0 || headLength + tailLength > 14) {
            return Optional.empty();
        }
        System.arraycopy(head, 0, out, 0, headLength);
        System.arraycopy(tail, 0, out, 16 - tailLength, tailLength);
        return Optional.of(out);
    }

    /**
     * Parses colon-separated groups (the last may be dotted IPv4) into {@code out} from {@code at}; returns the
     * number of octets written, or -1 on a syntax error or when more than {@code max} octets would be written.
     */
    private static int groups(String text, byte[] out, int at, int max) {
        int written = 0;
        int start = 0;
        while (true) {
            int colon = text.indexOf(':', start);
            int end = colon < 0 ? text.length() : colon;
            if (colon < 0 && text.indexOf('.', start) >= 0) {
                Optional<byte[]> v4 = parseIpv4(text.substring(start));
                if (v4.isEmpty() || written + 4 > max) {
                    return -1;
                }
                System.arraycopy(v4.get(), 0, out, at + written, 4);
                return written + 4;
            }
            int length = end - start;
            if (length < 1 || length > 4 || written + 2 > max) {
                return -1;
            }
            int value = 0;
            for (int i = start; i < end; i++) {
                int digit = Character.digit(text.charAt(i), 16);
                if (digit < 0) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            out[at + written] = (byte) (value >> 8);
            out[at + written + 1] = (byte) value;
            written += 2;
            if (colon < 0) {
                return written;
            }
            start = colon + 1;
        }
    }

    /**
     * A decimal without leading zeros in {@code text[start, end)}, at most {@code max}; empty otherwise. RFC 7208
     * §5.6 forbids leading zeros in dec-octets, and the suite (cidr4-032) applies that to CIDR lengths too.
     */
    static Optional<Integer> decimal(String text, int start, int end, int max) {
        int length = end - start;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(start) == '0')) {
            return Optional.empty();
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? Optional.of(value) : Optional.empty();
    }

    /** Dotted quad of 4 octets. */
    static String ipv4Text(byte[] a) {
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }

    /** RFC 5952 §4 text of 16 octets (one implementation for every module: {@link AddressText}). */
    static String ipv6Text(byte[] a) {
        return AddressText.of(a);
    }

    /** The 32 nibbles of 16 octets, most significant first, separated by dots, in the given case. */
    static String nibbles(byte[] a, boolean upperCase) {
        StringBuilder out = new StringBuilder(63);
        for (byte b : a) {
            for (int shift = 4; shift >= 0; shift -= 4) {
                if (out.length() > 0) {
                    out.append('.');
                }
                char c = Character.forDigit((b >> shift) & 0xf, 16);
                out.append(upperCase ? Character.toUpperCase(c) : c);
            }
        }
        return out.toString();
    }
}
