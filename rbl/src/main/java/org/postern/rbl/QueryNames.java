package org.postern.rbl;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import org.postern.dns.AddressText;

/**
 * Query names for blocklist lookups (RFC 5782 §2.1, §2.2, §2.4) and the checks that keep them valid DNS names.
 *
 * <p>Lengths are counted in presentation form without the trailing dot: a name of at most 253 characters fits the
 * 255 octets RFC 1035 §2.3.4 allows on the wire, and each label is at most 63 octets.
 */
final class QueryNames {

    static final int MAX_NAME_LENGTH = 253;
    static final int MAX_LABEL_LENGTH = 63;
    /** An IPv6 query prefix: 32 nibbles and 32 dots. The IPv4 one is at most 16 characters. */
    static final int MAX_ADDRESS_PREFIX_LENGTH = 64;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private QueryNames() {
    }

    /**
     * The address as looked up: IPv4-mapped IPv6 ({@code ::ffff:192.0.2.1}) becomes the IPv4 address, because the
     * client is an IPv4 client that reached a dual-stack socket; a scope id is dropped.
     */
    static byte[] addressBytes(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        return b;
    }

    /**
     * The reversed form of an address, without the zone: RFC 5782 §2.1 for IPv4 ({@code 192.0.2.99} becomes
     * {@code 99.2.0.192}), RFC 5782 §2.4 for IPv6 (32 nibbles, least significant first, as in ip6.arpa).
     */
    static String reversed(byte[] address) {
        StringBuilder sb = new StringBuilder(MAX_ADDRESS_PREFIX_LENGTH);
        if (address.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(address[i] & 0xff);
                if (i > 0) {
                    sb.append('.');
                }
            }
            return sb.toString();
        }
        for (int i = address.length - 1; i >= 0; i--) {
            sb.append(HEX[address[i] & 0x0f]).append('.').append(HEX[(address[i] >> 4) & 0x0f]);
            if (i > 0) {
                sb.append('.');
            }
        }
        return sb.toString();
    }

    /** The address in text: dotted quad, or RFC 5952 canonical IPv6 (lower case, longest zero run as {@code ::}). */
    static String text(byte[] address) {
        return AddressText.of(address);
    }

    /** The zone a lookup goes under: {@code <keyPrefix>.<zone>}, or the zone alone. */
    static String suffix(RblList list) {
        return list.keyPrefix().map(key -> key + "." + list.zone()).orElse(list.zone());
    }

    /**
     * RFC 5782 §2.2: a name is looked up lower-cased and without its trailing dot. Only A–Z are lowered: a full
     * Unicode lowering would turn the Kelvin sign U+212A into an ASCII {@code k} and let a non-ASCII name through.
     */
    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) == '.') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    /**
     * Why a normalized name cannot be looked up in {@code list}, or empty if it can. A name must be a host
     * name in letters, digits and hyphens (RFC 1123 §2.1; an SMTP domain is no more, RFC 5321 §4.1.2), with labels of
     * 1–63 characters, not an address, and short enough that the query name stays within 253 characters. The reason
     * quotes the name with anything but printable ASCII replaced by {@code ?}, cut at 80 characters.
     */
    static Optional<String> problem(String name, RblList list) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.startsWith("[")) {
            return Optional.of(quoted(name) + " is an address literal, not a domain name");
        }
        if (Ipv4.parse(name).isPresent()) {
            return Optional.of(quoted(name) + " is an IPv4 address, not a domain name");
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    return Optional.of(quoted(name) + " has an empty label");
                }
                if (length > MAX_LABEL_LENGTH) {
                    return Optional.of(quoted(name) + " has a label longer than 63 characters");
                }
                if (name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return Optional.of(quoted(name) + " has a label that starts or ends with a hyphen");
                }
                labelStart = i + 1;
                continue;
            }
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return Optional.of(c > 0x7e
                        ? quoted(name) + " is not ASCII; look up its A-label (xn--) form"
                        : quoted(name) + " has a character that is not a letter, digit, hyphen or dot");
            }
        }
        if (name.length() + 1 + suffix(list).length() > MAX_NAME_LENGTH) {
            // The message names the zone, never the key prefix: a DQS key is a credential.
            return Optional.of(quoted(name) + " is too long to look up under " + list.zone()
                    + " (more than 253 characters together)");
        }
        return Optional.empty();
    }

    /** The name with anything but printable ASCII replaced by {@code ?} and cut at 255 characters, for outcomes. */
    static String printable(String name) {
        return printable(name, 255);
    }

    private static String printable(String name, int max) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), max));
        for (int i = 0; i < Math.min(name.length(), max); i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return sb.toString();
    }

    private static String quoted(String name) {
        return "'" + printable(name, 80) + (name.length() > 80 ? "...'" : "'");
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
