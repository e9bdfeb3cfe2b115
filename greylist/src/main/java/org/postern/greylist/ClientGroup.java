package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A set of SMTP client addresses that greylisting treats as one client: a network ({@code 192.0.2.0/24}) or a
 * verified reverse domain ({@code example.com}).
 *
 * @param kind which of the two
 * @param name the network in CIDR notation, as {@link InetAddress#getHostAddress()} writes the network address, or
 *             the lower-case domain name; not empty, no NUL
 */
public record ClientGroup(Kind kind, String name) {

    /** What a client group is made of. */
    public enum Kind {
        /** The clients of one address prefix. */
        NETWORK,
        /** The clients whose verified reverse names share one registered domain (see {@link ReverseNames}). */
        REVERSE_DOMAIN
    }

    /** Checks that the name is not empty and has no NUL (the key encoding separates fields with NUL). */
    public ClientGroup {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("client group name must be non-empty without NUL: '" + name + "'");
        }
    }

    /**
     * The network of {@code address}: its first {@code ipv4Prefix} bits for IPv4 and IPv4-mapped IPv6
     * ({@code ::ffff:192.0.2.1}, RFC 4291 §2.5.5.2), its first {@code ipv6Prefix} bits for other IPv6.
     */
    static ClientGroup network(InetAddress address, int ipv4Prefix, int ipv6Prefix) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        int prefix = bytes.length == 4 ? ipv4Prefix : ipv6Prefix;
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            // Byte arrays of length 4 or 16 never fail; getByAddress does no lookup.
            return new ClientGroup(Kind.NETWORK, InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }

    /** The IPv4 address of an IPv4 or IPv4-mapped IPv6 address; null for other IPv6. */
    static Inet4Address ipv4(InetAddress address) {
        if (address instanceof Inet4Address) {
            return (Inet4Address) address;
        }
        byte[] bytes = address.getAddress();
        if (!isIpv4Mapped(bytes)) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of 4 bytes", e);
        }
    }

    /** RFC 4291 §2.5.5.2: 80 zero bits, 16 one bits, then the IPv4 address. */
    private static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
