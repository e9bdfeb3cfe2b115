package org.postern.dkim;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalizes a message body as it streams by and hashes it (RFC 6376 §3.4.3, §3.4.4, §3.7 body hash), keeping
 * only a few counters and a fixed buffer, never the body.
 *
 * <p>The body arrives with CRLF line ends (POSTFIX sends SMFIC_BODY chunks that way, milter-protocol.md); a bare CR
 * or LF is an ordinary octet, as RFC 6376 §3.4 defines lines by CRLF. Chunks may split anywhere, a CRLF included.
 *
 * <p>Both algorithms drop empty lines at the end of the body, and a streaming hasher cannot know whether a CRLF is the
 * end: so CRLFs are counted ({@code heldCrlfs}) and written only when a later octet shows they were inside the body.
 * Relaxed canonicalization holds back a run of WSP the same way ({@code heldSpace}): it becomes one SP when the line
 * goes on, and nothing when the line ends.
 *
 * <p>With {@code l=} (RFC 6376 §3.5) only the first {@code limit} canonical octets are hashed, but all are counted,
 * so the caller can tell a limit beyond the body, and how much of the body was left unsigned.
 *
 * <p>Not thread-safe.
 */
final class BodyHasher {

    /** The result of {@link #finish()}: the hash of the (limited) canonical body and the full canonical length. */
    record Digest(byte[] hash, long canonicalLength) {}

    private final Canonicalization canonicalization;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[8192];
    private int outLength;
    private long emitted;
    private long heldCrlfs;
    private boolean heldCr;
    private boolean heldSpace;
    private boolean finished;

    /**
     * @param hashAlgorithm a JDK digest name ("SHA-256")
     * @param limit         the {@code l=} count, or -1 to hash the whole canonical body
     */
    BodyHasher(Canonicalization canonicalization, String hashAlgorithm, long limit) {
        this.canonicalization = canonicalization;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance(hashAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + hashAlgorithm, e);   // every Java SE has SHA-256
        }
    }

    /** Consumes the chunk's remaining octets; the buffer's position is left unchanged. */
    void update(ByteBuffer chunk) {
        if (finished) {
            throw new IllegalStateException("body chunk after finish()");
        }
        boolean relaxed = canonicalization == Canonicalization.RELAXED;
        for (int i = chunk.position(); i < chunk.limit(); i++) {
            int b = chunk.get(i) & 0xff;
            if (heldCr) {
                heldCr = false;
                if (b == '\n') {
                    // RFC 6376 §3.4.4 a: "Ignore all whitespace at the end of lines."
                    heldSpace = false;
                    heldCrlfs++;
                    continue;
                }
                content('\r', relaxed);   // a bare CR is content
            }
            if (b == '\r') {
                heldCr = true;
            } else if (relaxed && Ascii.isWsp(b)) {
                // RFC 6376 §3.4.4 b: "Reduce all sequences of WSP within a line to a single SP character."
                heldSpace = true;
            } else {
                content(b, relaxed);
            }
        }
    }

    private void content(int b, boolean relaxed) {
        for (; heldCrlfs > 0; heldCrlfs--) {
            emit('\r');
            emit('\n');
        }
        if (relaxed && heldSpace) {
            emit(' ');
        }
        heldSpace = false;
        emit(b);
    }

    /**
     * Ends the body. RFC 6376 §3.4.3: simple ignores empty lines at the end and adds a CRLF to a body without one,
     * so an empty body is one CRLF. RFC 6376 §3.4.4: relaxed ignores them too but leaves an empty body empty, and a
     * body without a final CRLF gets one.
     */
    Digest finish() {
        if (finished) {
            throw new IllegalStateException("finish() called twice");
        }
        finished = true;
        boolean relaxed = canonicalization == Canonicalization.RELAXED;
        if (heldCr) {
            content('\r', relaxed);
        }
        if (emitted > 0 || !relaxed) {
            emit('\r');
            emit('\n');
        }
        flush();
        return new Digest(digest.digest(), emitted);
    }

    private void emit(int b) {
        if (limit < 0 || emitted < limit) {
            out[outLength++] = (byte) b;
            if (outLength == out.length) {
                flush();
            }
        }
        emitted++;
    }

    private void flush() {
        digest.update(out, 0, outLength);
        outLength = 0;
    }
}
