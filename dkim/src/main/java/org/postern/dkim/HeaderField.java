package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * One header field exactly as received: its name and its raw value, which DKIM hashes octet for octet.
 *
 * <p>Strings hold octets: each char is one octet (ISO-8859-1 decoded, U+0000 to U+00FF), which is how milter-core
 * delivers SMFIC_HEADER and how {@link #ofOctets} reads a file. So raw UTF-8 in a Subject survives as the octets that
 * were signed; nothing here decodes or re-encodes text (test message 014).
 *
 * <p>The value is everything after the colon up to the line end that ends the field, without that line end:
 * <ul>
 *   <li>its leading whitespace included ({@code " Alice <a@example.org>"}). POSTFIX: milter8_header() strips one
 *       space after the colon unless SMFIP_HDR_LEADSPC was negotiated; without it, simple header canonicalization
 *       cannot verify, so the pipeline negotiates it.
 *   <li>folded lines joined by CRLF (as on the wire) or by a bare LF (as Postfix sends them, milter-protocol.md): both
 *       are accepted and hash the same, because simple canonicalization turns every bare LF into CRLF (the octets
 *       the signer saw on the wire) and relaxed canonicalization removes line ends altogether.
 * </ul>
 *
 * @param name  the field name as received, without the colon (case is kept for simple canonicalization)
 * @param value the raw value as described above
 */
public record HeaderField(String name, String value) {

    /**
     * Checks the field.
     *
     * @throws IllegalArgumentException if the name is empty or has a colon, CR or LF, or a char of name or value is
     *     above U+00FF
     */
    public HeaderField {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' || c == '\r' || c == '\n' || c > 0xff) {
                throw new IllegalArgumentException("header name has an invalid character at " + i + ": " + name);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xff) {
                throw new IllegalArgumentException("header value of " + name + " has a char above U+00FF at " + i
                        + "; pass octets (ISO-8859-1 decoded), not decoded text");
            }
        }
    }

    /** A field from raw octets, e.g. a name and value cut from a message file. */
    public static HeaderField ofOctets(byte[] name, byte[] value) {
        return new HeaderField(new String(name, StandardCharsets.ISO_8859_1),
                new String(value, StandardCharsets.ISO_8859_1));
    }

    /** Whether this field is named {@code other}, ignoring ASCII case (RFC 5322 §1.2.2) and trailing WSP. */
    boolean isNamed(String other) {
        return Ascii.equalsIgnoreCase(Ascii.trimWsp(name), other);
    }
}
