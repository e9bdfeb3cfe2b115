package org.postern.bayes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The binary layout of {@link LmdbBayesStore}: keys readable in {@code mdb_dump}, values small.
 *
 * <pre>
 *   t \0 user \0 bucket     → the bucket's tokens, ascending: hash (long), spam count (int),        24 bytes each
 *                            ham count (int), last learned (epoch millis, long)
 *   s \0 user \0 learnKey   → class byte ('S' spam, 'H' ham), learned at (epoch millis, long)           9 bytes
 *   n \0 user               → learned spam, learned ham, distinct tokens, seen-index entries (longs)   32 bytes
 *   v                       → the format stamp, {@value #FORMAT} (UTF-8)
 * </pre>
 * All integers are big-endian. The user is lower-cased UTF-8 without NUL, at most {@value #MAX_USER_BYTES} bytes, so a
 * user's tokens are exactly the keys that start with {@code t \0 user \0}.
 *
 * <p><b>Buckets.</b> Tokens are 64-bit hashes ({@link TokenHash}), spread uniformly, so a batch of a thousand learned
 * messages (a million token updates) touches nearly every part of the table whatever the layout. One LMDB entry per
 * token made that a million B-tree updates per batch at about 4 µs each through lmdbjava: 250 messages a second.
 * Instead a token lives in one of {@value #BUCKETS} buckets, chosen by the top {@value #BUCKET_BITS} bits of its hash
 * (sign bit flipped, so buckets follow {@link MessageTokens}' signed order and key order; the bucket number is the
 * last 3 bytes of the key, room for more bits), and a batch reads and writes each bucket it touches once: at most
 * {@value #BUCKETS} updates however large the batch, so larger batches cost less per message. At the default two
 * million tokens per user a bucket holds about 30 tokens (730 bytes); it stays under LMDB's inline limit (about 2 KB
 * on 4 KB pages, beyond which a value takes overflow pages of its own) up to about five million tokens per user, the
 * most a learn run of a few thousand messages reaches before its final prune. More tokens still work, at a page or
 * more per bucket. A classification reads one small value per token, as before.
 *
 * <p>Older layouts still read: a 1-byte seen entry (no time) counts as learned at the epoch, so seen-index pruning
 * drops it first; a 24-byte totals value has no seen-index count, which reads as 0 until
 * {@link LmdbBayesStore#pruneSeen} counts the entries again. Values longer than these sizes (a newer version) are read
 * by their leading fields; shorter ones count as absent. The one-entry-per-token layout of commit 1f7e0f1 (the same
 * day, never released) is not read: its 16-byte token values hold no whole bucket entry and count as empty.
 */
final class BayesStoreCodec {

    /**
     * What the counts mean: the store layout, {@link TokenHash} and the tokenizer's tokens. Change it whenever one of
     * them changes what a stored hash stands for; a store with another stamp is refused at open.
     */
    static final String FORMAT = "postern-bayes/1";
    /** The key of the format stamp: one byte, so no user's key (kind, NUL, user, ...) can equal it. */
    static final byte[] FORMAT_KEY = {'v'};

    static byte[] formatStamp() {
        return FORMAT.getBytes(StandardCharsets.UTF_8);
    }

    static final byte TOKEN = 't';
    static final byte SEEN = 's';
    static final byte TOTALS = 'n';
    static final byte SPAM = 'S';
    static final byte HAM = 'H';
    static final int MAX_USER_BYTES = 255;
    static final int BUCKET_BITS = 16;
    static final int BUCKETS = 1 << BUCKET_BITS;
    /** One token in a bucket: hash, spam, ham, last learned. */
    static final int ENTRY_BYTES = 24;
    static final int SEEN_VALUE_BYTES = 9;
    static final int TOTALS_VALUE_BYTES = 32;
    /** The totals value before the seen-index count was added. */
    static final int TOTALS_V1_VALUE_BYTES = 24;
    private static final byte HASHED = (byte) 0xFF;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

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

    /** The bucket of a token: the top bits of its hash with the sign bit flipped, so ascending hashes ascend here. */
    static int bucketOf(long hash) {
        return (int) ((hash ^ Long.MIN_VALUE) >>> (Long.SIZE - BUCKET_BITS));
    }

    /** {@code t \0 user \0} followed by the bucket number, 3 bytes big-endian. */
    static byte[] bucketKey(byte[] tokenPrefix, int bucket) {
        byte[] k = Arrays.copyOf(tokenPrefix, tokenPrefix.length + 3);
        k[k.length - 3] = (byte) (bucket >>> 16);
        k[k.length - 2] = (byte) (bucket >>> 8);
        k[k.length - 1] = (byte) bucket;
        return k;
    }

    /** Tokens in a bucket value; a value whose length is not a multiple of the entry size is read up to the last. */
    static int entries(byte[] bucket) {
        return bucket == null ? 0 : bucket.length / ENTRY_BYTES;
    }

    static long entryHash(byte[] bucket, int i) {
        return (long) LONG.get(bucket, i * ENTRY_BYTES);
    }

    static int entrySpam(byte[] bucket, int i) {
        return Math.max(0, (int) INT.get(bucket, i * ENTRY_BYTES + 8));
    }

    static int entryHam(byte[] bucket, int i) {
        return Math.max(0, (int) INT.get(bucket, i * ENTRY_BYTES + 12));
    }

    static long entryLastUsed(byte[] bucket, int i) {
        return (long) LONG.get(bucket, i * ENTRY_BYTES + 16);
    }

    static void putEntry(byte[] bucket, int i, long hash, int spam, int ham, long lastUsed) {
        int at = i * ENTRY_BYTES;
        LONG.set(bucket, at, hash);
        INT.set(bucket, at + 8, spam);
        INT.set(bucket, at + 12, ham);
        LONG.set(bucket, at + 16, lastUsed);
    }

    /** The index of {@code hash} in a bucket value, or -1. Entries ascend, so this is a binary search. */
    static int find(byte[] bucket, long hash) {
        int lo = 0;
        int hi = entries(bucket) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long h = entryHash(bucket, mid);
            if (h < hash) {
                lo = mid + 1;
            } else if (h > hash) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
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

    /** A user's learned message counts, how many distinct tokens and seen-index entries it holds. */
    record Totals(long learnedSpam, long learnedHam, long tokens, long seen) {
        static final Totals NONE = new Totals(0, 0, 0, 0);
    }

    static byte[] encodeTotals(Totals t) {
        return ByteBuffer.allocate(TOTALS_VALUE_BYTES).putLong(t.learnedSpam()).putLong(t.learnedHam())
                .putLong(t.tokens()).putLong(t.seen()).array();
    }

    static Totals decodeTotals(byte[] v) {
        if (v == null || v.length < TOTALS_V1_VALUE_BYTES) {
            return Totals.NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Totals(Math.max(0, b.getLong()), Math.max(0, b.getLong()), Math.max(0, b.getLong()),
                v.length >= TOTALS_VALUE_BYTES ? Math.max(0, b.getLong()) : 0);
    }

    static byte[] encodeSeen(byte cls, long learnedAtMillis) {
        return ByteBuffer.allocate(SEEN_VALUE_BYTES).put(cls).putLong(learnedAtMillis).array();
    }

    /** When a seen entry was learned; 0 for the 1-byte entries written before the time was stored. */
    static long seenAtMillis(byte[] v) {
        return v.length >= SEEN_VALUE_BYTES ? ByteBuffer.wrap(v, 1, Long.BYTES).getLong() : 0;
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
