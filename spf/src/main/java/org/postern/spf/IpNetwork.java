package org.postern.spf;

/** An address prefix: the first {@code prefixLength} bits of {@code network} (RFC 4632 §3.1, RFC 4291 §2.3). */
final class IpNetwork {

    private final byte[] network;
    private final int prefixLength;

    IpNetwork(byte[] network, int prefixLength) {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("network must be 4 or 16 octets, not " + network.length);
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
        this.network = network.clone();
        this.prefixLength = prefixLength;
    }

    /** Whether {@code address} (same family: 4 or 16 octets) lies in this prefix; another family never does. */
    boolean contains(byte[] address) {
        return contains(network, prefixLength, address);
    }

    /** Whether the first {@code prefixLength} bits of {@code a} and {@code b} agree; false if their lengths differ. */
    static boolean contains(byte[] a, int prefixLength, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[whole] & mask) == (b[whole] & mask);
    }

    @Override
    public String toString() {
        return (network.length == 4 ? IpAddresses.ipv4Text(network) : IpAddresses.ipv6Text(network)) + "/"
                + prefixLength;
    }
}
