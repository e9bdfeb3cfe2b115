package org.postern.greylist;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals for tests, without DNS. */
final class Addresses {

    private Addresses() {
    }

    /** The address of an IPv4 or IPv6 literal. Java turns {@code ::ffff:a.b.c.d} into IPv4 here. */
    static InetAddress of(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError("not a literal: " + literal, e);
        }
    }

    /** {@code ::ffff:a.b.c.d} kept as an {@link Inet6Address}, as a dual-stack socket may report a client. */
    static Inet6Address ipv4Mapped(String ipv4) {
        byte[] v4 = of(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
