package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message file cut into header fields and body, for the command line ({@code postern dkim sign|verify}) and
 * tests: each field's raw value after the colon (leading space and CRLF folds kept, as a milter sees it with
 * SMFIP_HDR_LEADSPC) and the body octets after the empty line. Octets are kept as they are (ISO-8859-1 in the
 * strings), so nothing is decoded before it is hashed.
 *
 * @param headers the header fields in order
 * @param body    the body, CRLF line ends; read-only
 */
public record RawMessage(List<HeaderField> headers, ByteBuffer body) {

    public RawMessage {
        headers = List.copyOf(headers);
        body = requireNonNull(body, "body").asReadOnlyBuffer();
    }

    /**
     * Parses a message. A file written with bare LF line ends (as most tools on Unix save mail) is read as if every
     * LF were CRLF, which is the form DKIM signs (RFC 6376 §5.3); a file with CRLF is taken as it is.
     *
     * @throws IllegalArgumentException when a header line has no colon or the header never ends
     */
    public static RawMessage parse(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        if (!text.contains("\r\n")) {
            text = text.replace("\n", "\r\n");
        }
        List<HeaderField> headers = new ArrayList<>();
        int pos = 0;
        while (true) {
            int lineEnd = text.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                throw new IllegalArgumentException("the header section does not end with an empty line");
            }
            if (lineEnd == pos) {
                pos += 2;   // the empty line: the body follows
                break;
            }
            int fieldEnd = lineEnd;
            while (fieldEnd + 2 < text.length()
                    && (text.charAt(fieldEnd + 2) == ' ' || text.charAt(fieldEnd + 2) == '\t')) {
                int next = text.indexOf("\r\n", fieldEnd + 2);
                fieldEnd = next < 0 ? text.length() : next;
            }
            String field = text.substring(pos, fieldEnd);
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header line without a field name and colon: "
                        + field.substring(0, Math.min(field.length(), 60)));
            }
            headers.add(new HeaderField(field.substring(0, colon), field.substring(colon + 1)));
            pos = Math.min(fieldEnd + 2, text.length());
        }
        byte[] body = text.substring(pos).getBytes(StandardCharsets.ISO_8859_1);
        return new RawMessage(headers, ByteBuffer.wrap(body));
    }

    /** The message as bytes again, CRLF line ends, with {@code first} (a whole field, without CRLF) on top. */
    public byte[] withFieldOnTop(String first) {
        StringBuilder out = new StringBuilder(first).append("\r\n");
        for (HeaderField h : headers) {
            out.append(h.name()).append(':').append(h.value()).append("\r\n");
        }
        out.append("\r\n");
        byte[] head = out.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = body.duplicate();
        byte[] all = new byte[head.length + b.remaining()];
        System.arraycopy(head, 0, all, 0, head.length);
        b.get(all, head.length, b.remaining());
        return all;
    }
}
