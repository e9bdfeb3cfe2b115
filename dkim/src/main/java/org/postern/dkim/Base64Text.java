package org.postern.dkim;

import java.util.Base64;
import java.util.Optional;

/** Strict base64 (RFC 2045 alphabet, padded) for b=, bh= and p=, whose FWS the caller removed first. */
final class Base64Text {
    private Base64Text() {}

    /** The decoded octets, or empty when {@code text} is not padded base64 (checked before decoding, no exception). */
    static Optional<byte[]> decode(String text) {
        if (text.length() % 4 != 0) {
            return Optional.empty();
        }
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        for (int i = 0; i < text.length() - padding; i++) {
            char c = text.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!alphabet) {
                return Optional.empty();
            }
        }
        return Optional.of(Base64.getDecoder().decode(text));
    }

    static String encode(byte[] octets) {
        return Base64.getEncoder().encodeToString(octets);
    }
}
