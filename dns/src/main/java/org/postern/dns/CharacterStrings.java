package org.postern.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RFC 1035 §3.3 character-strings: a length octet and up to 255 octets, held in Java as ISO-8859-1 strings. */
final class CharacterStrings {

    static final int MAX_OCTETS = 255;

    private CharacterStrings() {
    }

    /** Copies the list, refusing chars above U+00FF and strings over 255 octets. */
    static List<String> check(List<String> strings) {
        List<String> copy = List.copyOf(strings);
        for (String s : copy) {
            if (s.length() > MAX_OCTETS) {
                throw new IllegalArgumentException("character-string longer than 255 octets: " + s.length());
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xff) {
                    throw new IllegalArgumentException(
                            "character-string holds octets (ISO-8859-1); char U+" + Integer.toHexString(s.charAt(i))
                                    + " at index " + i + " is not one");
                }
            }
        }
        return copy;
    }

    /** Decodes each octet string as ISO-8859-1. */
    static List<String> decode(List<byte[]> octets) {
        List<String> out = new ArrayList<>(octets.size());
        for (byte[] b : octets) {
            out.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        return List.copyOf(out);
    }

    /** The RDATA of a TXT or SPF record: each string as a length octet followed by its octets. */
    static byte[] rdata(List<byte[]> strings) {
        int size = 0;
        for (byte[] s : strings) {
            if (s.length > MAX_OCTETS) {
                throw new IllegalArgumentException("character-string longer than 255 octets: " + s.length);
            }
            size += 1 + s.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] s : strings) {
            out[at++] = (byte) s.length;
            System.arraycopy(s, 0, out, at, s.length);
            at += s.length;
        }
        return out;
    }
}
