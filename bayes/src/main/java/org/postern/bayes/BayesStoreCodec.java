package org.postern.bayes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The binary layout of {@link LmdbBayesStore}: keys readable in {@code mdb_dump}, values small and fixed.
 *
 * <pre>
 *   t \0 user \0 hash         → spam count (int), ham count (int), last learned (epoch millis, long)   16 bytes
 *   s \0 user \0 messageId    → class byte: 'S' spam, 'H' ham                                           1 byte
 *   n \0 user                 → learned spam, learned ham, distinct tokens (longs)                     24 bytes
 * </pre>
 * All integers are big-endian. The user is lower-cased UTF-8 without NUL, at most {@value #MAX_USER_BYTES} bytes, so a
 * user's tokens are exactly the keys that start with {@code t \0 user \0}. A token is its 8-byte {@link TokenHash}
 * with the sign bit flipped, so LMDB's unsigned byte order is {@link MessageTokens}' signed order and a message's
 * tokens are written in key order. A message id that would make the key longer than LMDB's limit (511 bytes by
 * default) is replaced by {@code 0xFF} (never in UTF-8) and the SHA-256 of its UTF-8 form, after the same prefix. Values longer than these sizes
 * (a newer version) are read by their leading fields; shorter ones count as absent.
 */
final class BayesStoreCodec {

    static final byte TOKEN = 't';
    static final byte SEEN = 's';
    static final byte TOTALS = 'n';
    static final byte SPAM = 'S';
    static final byte HAM = 'H';
    static final int MAX_USER_BYTES = 255;
    static final int TOKEN_VALUE_BYTES = 16;
    static final int TOTALS_VALUE_BYTES = 24;
    private static final byte HASHED = (byte) 0xFF;

    private BayesStoreCodec() {
    }

    /** The normalized user key as UTF-8: lower case (ROOT locale). */
    static byte[] user(String user) {
        if (user.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("user must not contain NUL");
        }
        byte[] bytes = user.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_USER_BYTES) {
            throw new IllegalArgumentException(
                    "user must be at most " + MAX_USER_BYTES + " bytes in UTF-8, not " + bytes.length);
        }
        return bytes;
    }

    /** {@code kind \0 user \0}: the start of every key of that kind for that user. */
    static byte[] prefix(byte kind, byte[] user) {
        byte[] p = new byte[user.length + 3];
        p[0] = kind;
        System.arraycopy(user, 0, p, 2, user.length);
        return p;
    }

    /** The prefix followed by the field's UTF-8, or by 0xFF and its SHA-256 when the key would exceed the limit. */
    static byte[] key(byte[] prefix, String field, int maxKeyBytes) {
        byte[] f = field.getBytes(StandardCharsets.UTF_8);
        if (prefix.length + f.length > maxKeyBytes) {
            f = hashed(f);
        }
        byte[] k = new byte[prefix.length + f.length];
        System.arraycopy(prefix, 0, k, 0, prefix.length);
        System.arraycopy(f, 0, k, prefix.length, f.length);
        return k;
    }

    /** {@code t \0 user \0} followed by the token hash, sign bit flipped, big-endian. */
    static byte[] tokenKey(byte[] tokenPrefix, long hash) {
        byte[] k = Arrays.copyOf(tokenPrefix, tokenPrefix.length + Long.BYTES);
        long v = hash ^ Long.MIN_VALUE;
        for (int i = k.length - 1; i >= tokenPrefix.length; i--) {
            k[i] = (byte) v;
            v >>>= 8;
        }
        return k;
    }

    static byte[] totalsKey(byte[] user) {
        byte[] k = new byte[user.length + 2];
        k[0] = TOTALS;
        System.arraycopy(user, 0, k, 2, user.length);
        return k;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** A token's counts; absent tokens are {@link #NONE}. */
    record TokenState(int spam, int ham, long lastUsedMillis) {
        static final TokenState NONE = new TokenState(0, 0, 0);

        long weight() {
            return (long) spam + ham;
        }
    }

    static byte[] encodeToken(TokenState s) {
        return ByteBuffer.allocate(TOKEN_VALUE_BYTES).putInt(s.spam()).putInt(s.ham()).putLong(s.lastUsedMillis())
                .array();
    }

    static TokenState decodeToken(byte[] v) {
        if (v == null || v.length < TOKEN_VALUE_BYTES) {
            return TokenState.NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new TokenState(Math.max(0, b.getInt()), Math.max(0, b.getInt()), b.getLong());
    }

    /** A user's learned message counts and how many distinct tokens it holds. */
    record Totals(long learnedSpam, long learnedHam, long tokens) {
        static final Totals NONE = new Totals(0, 0, 0);
    }

    static byte[] encodeTotals(Totals t) {
        return ByteBuffer.allocate(TOTALS_VALUE_BYTES).putLong(t.learnedSpam()).putLong(t.learnedHam())
                .putLong(t.tokens()).array();
    }

    static Totals decodeTotals(byte[] v) {
        if (v == null || v.length < TOTALS_VALUE_BYTES) {
            return Totals.NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Totals(Math.max(0, b.getLong()), Math.max(0, b.getLong()), Math.max(0, b.getLong()));
    }

    private static byte[] hashed(byte[] field) {
        byte[] h = new byte[33];
        h[0] = HASHED;
        try {
            System.arraycopy(MessageDigest.getInstance("SHA-256").digest(field), 0, h, 1, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        return h;
    }
}
