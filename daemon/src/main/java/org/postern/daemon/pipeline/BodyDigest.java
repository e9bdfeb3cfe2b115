package org.postern.daemon.pipeline;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * SHA-256 of a message body in a form that survives delivery, for the {@link SymbolsSeal}: the milter hashes the body
 * as Postfix streams it (CRLF line ends), {@code postern check} the copy a mailbox holds (LF line ends, and in an
 * mbox "From " lines quoted as ">From "). So before hashing, every CR is dropped, the '>' characters that start a
 * line before "From " are dropped (mboxo and mboxrd quoting both undone), and empty lines at the end are ignored (an
 * mbox separator, a missing final line end). Bytes, not characters: the charset does not matter.
 *
 * <p>Fed in chunks of any size; the result does not depend on where they split. Not thread-safe: one per message.
 */
final class BodyDigest {

    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private final MessageDigest sha256;
    /** Bytes to hash, handed to the digest in blocks: one update call per byte would cost more than the hash. */
    private final byte[] pending = new byte[8192];
    private int pendingLength;
    /** At the start of a line: the '>' seen so far, and how much of "From " followed them. */
    private boolean atLineStart = true;
    private int quotes;
    private int fromMatched;
    /** Line ends not yet hashed: they count only if something other than a line end follows. */
    private int pendingLineEnds;

    BodyDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Hashes the remaining bytes of {@code chunk} without moving its position. */
    void update(ByteBuffer chunk) {
        for (int i = chunk.position(); i < chunk.limit(); i++) {
            update(chunk.get(i));
        }
    }

    void update(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            update(bytes[i]);
        }
    }

    /** The digest, base64url without padding; the digest cannot be fed after this. */
    String finish() {
        if (atLineStart) {
            emitQuotedStart();                       // a body that ends in ">Fr" keeps those bytes
        }
        sha256.update(pending, 0, pendingLength);
        pendingLength = 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    private void update(byte b) {
        if (b == '\r') {
            return;
        }
        if (atLineStart) {
            if (b == '>' && fromMatched == 0) {
                quotes++;
                return;
            }
            if (fromMatched < FROM.length && b == FROM[fromMatched]) {
                if (++fromMatched == FROM.length) {
                    quotes = 0;                      // ">>From " is "From ": the quoting is undone
                    emitQuotedStart();
                    atLineStart = false;
                }
                return;
            }
            emitQuotedStart();
            atLineStart = false;
        }
        if (b == '\n') {
            pendingLineEnds++;
            atLineStart = true;
            return;
        }
        emit(b);
    }

    /** Hashes what was held back at the start of the line: its '>' and the part of "From " after them. */
    private void emitQuotedStart() {
        for (int i = 0; i < quotes; i++) {
            emit((byte) '>');
        }
        for (int i = 0; i < fromMatched; i++) {
            emit(FROM[i]);
        }
        quotes = 0;
        fromMatched = 0;
    }

    private void emit(byte b) {
        for (; pendingLineEnds > 0; pendingLineEnds--) {
            add((byte) '\n');
        }
        add(b);
    }

    private void add(byte b) {
        if (pendingLength == pending.length) {
            sha256.update(pending, 0, pendingLength);
            pendingLength = 0;
        }
        pending[pendingLength++] = b;
    }
}
