package org.postern.spf;

import java.net.InetAddress;
import java.util.Arrays;

import org.postern.dns.DnsType;

/**
 * The connecting client's address as SPF sees it: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is IPv4
 * (RFC 7208 §5, "IPv4-mapped IPv6 ... MUST still be considered an IPv4 address"; RFC 4291 §2.5.5.2).
 */
final class ClientAddress {

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final byte[] octets;

    private ClientAddress(byte[] octets) {
        this.octets = octets;
    }

    static ClientAddress of(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && Arrays.equals(a, 0, 12, MAPPED_PREFIX, 0, 12)) {
            return new ClientAddress(Arrays.copyOfRange(a, 12, 16));
        }
        return new ClientAddress(a);
    }

    boolean isIpv6() {
        return octets.length == 16;
    }

    /** A copy of the 4 or 16 octets. */
    byte[] octets() {
        return octets.clone();
    }

    /** Whether this client lies in the first {@code prefixLength} bits of {@code address} (same family only). */
    boolean isWithin(InetAddress address, int prefixLength) {
        byte[] other = address.getAddress();
        return other.length == octets.length && IpNetwork.contains(other, prefixLength, octets);
    }

    /** The address record type that can match this client: A or AAAA (RFC 7208 §5.3, §5.4). */
    DnsType addressType() {
        return isIpv6() ? DnsType.AAAA : DnsType.A;
    }

    /** The name to ask PTR for (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa). */
    String reverseName() {
        if (!isIpv6()) {
            return (octets[3] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[1] & 0xff) + "."
                    + (octets[0] & 0xff) + ".in-addr.arpa";
        }
        StringBuilder reversed = new StringBuilder(new StringBuilder(IpAddresses.nibbles(octets, false)).reverse());
        return reversed.append(".ip6.arpa").toString();
    }

    /**
     * RFC 7208 §7.3 "i": dotted quad, or for IPv6 the 32 nibbles separated by dots (§7.4). Nibbles are upper
     * case, as the OpenSPF suite expects (v-macro-ip6); the RFC's own example is lower case, and DNS does not care.
     */
    String macroI() {
        return isIpv6() ? IpAddresses.nibbles(octets, true) : IpAddresses.ipv4Text(octets);
    }

    /** RFC 7208 §7.3 "c": dotted quad, or the RFC 5952 text of an IPv6 address. */
    String macroC() {
        return text();
    }

    /** RFC 7208 §7.3 "v": "in-addr" or "ip6". */
    String macroV() {
        return isIpv6() ? "ip6" : "in-addr";
    }

    /** The address as text: dotted quad or RFC 5952. */
    String text() {
        return isIpv6() ? IpAddresses.ipv6Text(octets) : IpAddresses.ipv4Text(octets);
    }

    @Override
    public String toString() {
        return text();
    }
}
