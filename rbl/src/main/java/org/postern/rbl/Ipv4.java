package org.postern.rbl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Dotted-quad IPv4 text and its 32-bit value, without ever touching DNS (unlike {@code InetAddress.getByName}). */
final class Ipv4 {

    private Ipv4() {
    }

    /**
     * Parses strict dotted-quad text: four decimal octets 0–255, no sign, no leading zero (so {@code 010} is never
     * read as octal by one tool and as decimal by another).
     */
    static Optional<Inet4Address> parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return Optional.empty();
                }
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            value = (value << 8) | octet;
        }
        return Optional.of(of(value));
    }

    /** Like {@link #parse} but throws a sentence naming {@code what}. */
    static Inet4Address parseOrThrow(String text, String what) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                what + " must be a dotted-quad IPv4 address like 127.0.0.2, not '" + text + "'"));
    }

    static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static Inet4Address of(int value) {
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("four bytes are always a valid IPv4 address", impossible);
        }
    }

    /** RFC 5782 §2.1: list answers live in 127.0.0.0/8, so they can never be mistaken for a host's address. */
    static boolean isLoopback(int value) {
        return (value >>> 24) == 127;
    }

    /** Spamhaus error codes 127.255.255.252–255 (see {@link RblOutcome.FailureKind#REFUSED_OR_RATE_LIMITED}). */
    static boolean isErrorCode(int value) {
        return (value & 0xFFFFFFFC) == 0x7FFFFFFC;
    }
}
