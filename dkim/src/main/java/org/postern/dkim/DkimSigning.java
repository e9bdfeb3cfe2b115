package org.postern.dkim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The signing of one message: the body is hashed as it streams by ({@link #body}), then {@link #finish} writes the
 * DKIM-Signature value.
 *
 * <p>The value is built once with everything up to and including "b=", that text is hashed (RFC 6376 §3.7: the
 * field "with the value of the b= tag ... deleted"), and the signature is appended to the very same text. So the
 * hashed and the emitted field cannot differ in folding, which is what opendkim 2.11's Ed25519 signatures with simple
 * header canonicalization get wrong (README of the test data: it hashes "b=" on the h= line but emits it folded).
 *
 * <p>Not thread-safe; no method blocks.
 */
public final class DkimSigning {

    /** "DKIM-Signature:" is 15 columns; the value starts after it. */
    private static final String FIELD_NAME = "DKIM-Signature";

    private final DkimSigningKey key;
    private final String domain;
    private final String selector;
    private final SignOptions options;
    private final List<HeaderField> headers;
    private final BodyHasher body;
    private boolean finished;

    DkimSigning(DkimSigningKey key, String domain, String selector, SignOptions options, List<HeaderField> headers) {
        this.key = key;
        this.domain = domain;
        this.selector = selector;
        this.options = options;
        this.headers = headers;
        this.body = new BodyHasher(options.bodyCanonicalization(), "SHA-256", -1);
    }

    /**
     * Hashes the next piece of the body: CRLF line ends, split anywhere; the buffer's position is left unchanged.
     *
     * @throws IllegalStateException after {@link #finish}
     */
    public void body(ByteBuffer chunk) {
        if (finished) {
            throw new IllegalStateException("body chunk after finish()");
        }
        body.update(chunk);
    }

    /**
     * Ends the body and signs.
     *
     * @return the DKIM-Signature field's value, starting with a space and folded with LF + TAB at 78 columns, e.g.
     *     {@code " v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\n\tt=1700000000; h=from:from:..."};
     *     ready for SMFIR_INSHEADER at index 0 with SMFIP_HDR_LEADSPC. For a file with CRLF line ends, write
     *     {@code "DKIM-Signature:" + value.replace("\n", "\r\n")}: both forms verify the same.
     * @throws IllegalStateException when called twice
     */
    public String finish() {
        if (finished) {
            throw new IllegalStateException("finish() called twice");
        }
        finished = true;
        String bodyHash = Base64Text.encode(body.finish().hash());
        List<String> names = headerList();
        FoldedValue value = new FoldedValue(FIELD_NAME.length() + 1)
                .word("v=1;")
                .word("a=" + key.algorithm().tagValue() + ";")
                .word("c=" + options.headerCanonicalization().tagValue() + "/"
                        + options.bodyCanonicalization().tagValue() + ";")
                .word("d=" + domain + ";")
                .word("s=" + selector + ";");
        options.identity().ifPresent(i -> value.word("i=" + i + ";"));
        long now = options.clock().instant().getEpochSecond();
        if (options.timestamp()) {
            value.word("t=" + now + ";");
        }
        // RFC 6376 §3.5 x=: "MUST be greater than the value of the "t=" tag if both are present".
        options.expireAfter().ifPresent(after -> value.word("x=" + (now + after.getSeconds()) + ";"));
        // RFC 6376 §3.5 h=: FWS may surround each ":", so the list folds after any colon.
        for (int i = 0; i < names.size(); i++) {
            String piece = (i == 0 ? "h=" : "") + names.get(i) + (i == names.size() - 1 ? ";" : ":");
            if (i == 0) {
                value.word(piece);
            } else {
                value.glued(piece);
            }
        }
        value.word("bh=" + bodyHash + ";");
        value.word("b=");
        String unsigned = value.toString();
        String data = SignedHeaders.data(headers, -1, names, options.headerCanonicalization(),
                new HeaderField(FIELD_NAME, unsigned));
        byte[] signature = HeaderSignature.sign(key.algorithm(), key.privateKey(),
                data.getBytes(StandardCharsets.ISO_8859_1));
        return value.fill(Base64Text.encode(signature)).toString();
    }

    /**
     * h=: each signed name once per instance present, plus once more when oversigned (RFC 6376 §5.4.2, §8.15); a
     * name that is neither present nor oversigned is left out.
     */
    private List<String> headerList() {
        List<String> names = new ArrayList<>();
        for (String name : options.signedHeaders()) {
            String lower = Ascii.lower(name);
            long present = headers.stream().filter(h -> h.isNamed(lower)).count();
            boolean oversigned = options.oversignedHeaders().stream().anyMatch(o -> Ascii.equalsIgnoreCase(o, name));
            long count = present + (oversigned ? 1 : 0);
            if (count == 0 && lower.equals("from")) {
                count = 1;   // RFC 6376 §5.4: From is always in h=, even for a message that lacks it
            }
            for (long i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return names;
    }
}
