package org.postern.milter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * NUL-terminated strings, the {@code str} of milter-protocol.md §2 (libmilter: {@code mi_rd_cmd} hands the payload to
 * {@code dec_argv()}, which splits at NUL).
 *
 * <p>Decoding is ISO-8859-1, one char per octet, so every byte the MTA sent survives a round trip (header values and
 * ESMTP arguments may hold raw 8-bit data). Encoding is the inverse: a string whose chars are all at most U+00FF is
 * written one octet per char. A string holding a char above U+00FF cannot have come from the wire that way, so it is
 * written as UTF-8 (what the MTA expects for an internationalised header, RFC 6532).
 */
final class CStrings {

    private CStrings() {}

    /**
     * Reads one string and its NUL from {@code buf}.
     *
     * @param what names the field for the error message, e.g. {@code "SMFIC_HELO argument"}
     * @throws MilterProtocolException when no NUL follows within the readable bytes
     */
    static String read(ByteBuf buf, String what) {
        int length = buf.bytesBefore((byte) 0);
        if (length < 0) {
            throw new MilterProtocolException(what + " is not NUL-terminated (" + buf.readableBytes()
                    + " bytes left in the frame)");
        }
        String s = buf.toString(buf.readerIndex(), length, StandardCharsets.ISO_8859_1);
        buf.skipBytes(length + 1);
        return s;
    }

    /** Writes {@code s} and a NUL. The caller has checked that {@code s} holds no NUL (see {@link HeaderText}). */
    static void write(ByteBuf buf, String s) {
        buf.writeBytes(bytes(s));
        buf.writeByte(0);
    }

    /** The octets of {@code s} without the NUL: ISO-8859-1, or UTF-8 when a char is above U+00FF. */
    static byte[] bytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
