package org.postern.dkim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A message cut into header fields and body the way Postfix hands them to a milter: each field's raw value after
 * the colon (leading space and folds kept, as with SMFIP_HDR_LEADSPC) and the body octets after the empty line.
 */
record TestMessage(List<HeaderField> headers, byte[] body) {

    /** Reads a message file with CRLF line ends. */
    static TestMessage read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    static TestMessage parse(byte[] message) {
        RawMessage raw = RawMessage.parse(message);
        byte[] body = new byte[raw.body().remaining()];
        raw.body().duplicate().get(body);
        return new TestMessage(raw.headers(), body);
    }

    /** The same message with folds joined by a bare LF, as Postfix's milter8_header() sends them. */
    TestMessage withLfFolds() {
        List<HeaderField> lf = new ArrayList<>();
        for (HeaderField h : headers) {
            lf.add(new HeaderField(h.name(), h.value().replace("\r\n", "\n")));
        }
        return new TestMessage(List.copyOf(lf), body);
    }

    /** This message with {@code field} added on top. */
    TestMessage withTopField(String name, String value) {
        List<HeaderField> all = new ArrayList<>();
        all.add(new HeaderField(name, value));
        all.addAll(headers);
        return new TestMessage(List.copyOf(all), body);
    }

    /** This message with another body. */
    TestMessage withBody(byte[] newBody) {
        return new TestMessage(headers, newBody);
    }

    /** The message as CRLF octets again (LF folds become CRLF). */
    byte[] toBytes() {
        StringBuilder out = new StringBuilder();
        for (HeaderField h : headers) {
            out.append(h.name()).append(':').append(h.value().replaceAll("(?<!\r)\n", "\r\n")).append("\r\n");
        }
        out.append("\r\n");
        byte[] head = out.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Verifies with the body fed in chunks of {@code chunk} octets; waits at most 10 s. */
    List<DkimResult> verify(DkimVerifier verifier, int chunk) throws Exception {
        DkimVerification v = verifier.begin(headers);
        for (int i = 0; i < body.length; i += chunk) {
            v.body(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
        }
        return v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Signs with the body fed in chunks of {@code chunk} octets and returns the signed message. */
    TestMessage sign(DkimSigner signer, int chunk) {
        DkimSigning s = signer.begin(headers);
        for (int i = 0; i < body.length; i += chunk) {
            s.body(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
        }
        return withTopField("DKIM-Signature", s.finish());
    }
}
