package org.postern.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: {@code 192.0.2.0/24}, {@code 2001:db8::/32}; a bare address is a /32 or /128.
 *
 * <p>Parsing never touches DNS: only address literals are accepted. As in Postfix's {@code cidr_table(5)}, the address
 * must be the network address: {@code 192.0.2.1/24} is rejected with a hint to write {@code 192.0.2.0/24}, because a
 * set host bit is almost always a typo for a narrower or a different network.
 *
 * @param network the network address, with all bits after {@code prefix} zero; never null
 * @param prefix  the prefix length, 0..32 for IPv4 and 0..128 for IPv6
 * @throws IllegalArgumentException if the prefix is out of range or host bits are set
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw InvalidValueException.ofValue("must have a prefix length between 0 and " + bits + ", not " + prefix);
        }
        byte[] masked = mask(network.getAddress(), prefix);
        if (!Arrays.equals(masked, network.getAddress())) {
            throw InvalidValueException.ofValue("has host bits set after the /" + prefix + " prefix; write "
                    + IpLiteral.format(IpLiteral.of(masked)) + "/" + prefix);
        }
    }

    /**
     * Parses {@code address/prefix} or a bare address (then the prefix is the full length).
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong, for example for a host name
     */
    public static Cidr parse(String text) {
        requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        var parsed = IpLiteral.parse(address);
        if (parsed.isEmpty()) {
            throw InvalidValueException.ofValue("must be an IP address or network such as 192.0.2.0/24 or"
                    + " 2001:db8::/32 (host names are not allowed), not " + Checks.quote(text));
        }
        int bits = parsed.get().getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(parsed.get(), bits);
        }
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}")) {
            throw InvalidValueException.ofValue("must have a prefix length between 0 and " + bits + " after the /, not "
                    + Checks.quote(text));
        }
        return new Cidr(parsed.get(), Integer.parseInt(prefix));
    }

    /**
     * Whether {@code address} lies in this network. An address of the other family never matches (an IPv4 address is
     * not in {@code ::ffff:0:0/96}; Java already presents IPv4-mapped client addresses as IPv4).
     */
    public boolean contains(InetAddress address) {
        requireNonNull(address, "address");
        byte[] candidate = address.getAddress();
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefix), net);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** {@code 192.0.2.0/24}, {@code 2001:db8::/32} (RFC 5952 text); {@link #parse} reads it back. */
    @Override
    public String toString() {
        return IpLiteral.format(network) + "/" + prefix;
    }
}
