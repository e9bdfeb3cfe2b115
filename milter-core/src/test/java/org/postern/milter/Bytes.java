package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds frames byte by byte, independently of the encoders under test. */
final class Bytes {

    private Bytes() {}

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A frame: u32 length (letter included), the letter, the parts. */
    static byte[] frame(char letter, byte[]... parts) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(letter);
        for (byte[] part : parts) {
            payload.writeBytes(part);
        }
        byte[] p = payload.toByteArray();
        return concat(u32(p.length), p);
    }

    /** A NUL-terminated ISO-8859-1 string. */
    static byte[] cstr(String s) {
        return concat(s.getBytes(StandardCharsets.ISO_8859_1), new byte[] {0});
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] u8(int v) {
        return new byte[] {(byte) v};
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
