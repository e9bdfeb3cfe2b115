package org.postern.bayes;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Token buckets read in the store's newest LMDB snapshot, kept for the next readers of that same snapshot.
 *
 * <p>Why: classifying a message looks up about 200 tokens, nearly each in its own bucket, and every LMDB read through
 * lmdbjava costs about half a microsecond (a native key buffer, the call, a copy of the value) — more than
 * tokenizing the message's words. Between two commits every reader sees the same snapshot, and LMDB names it: a read
 * transaction's id is the id of the last write committed when it began (by any process). A bucket read in snapshot
 * T is therefore right for every reader of T, and for no other. A reader of a newer snapshot starts a new generation
 * (the old one is dropped whole); a reader of an older one, still open across a commit, neither uses nor fills the
 * cache. Nothing is ever invalidated piecemeal, so nothing can be stale.
 *
 * <p>Memory: each generation holds at most {@code maxBytes}, counted as each cached bucket's length plus an array
 * header, and each user's table of bucket references ({@value BayesStoreCodec#BUCKET_BITS}-bit index, 4 bytes a
 * slot). When it is full, further buckets are read from LMDB every time; with no commits for a long time the cache
 * keeps what the first messages needed, which for a shared model is its common tokens. Thread-safe, lock-free.
 */
final class BucketCache {

    /** Cached in place of a bucket that does not exist: known empty is also worth remembering. */
    static final byte[] ABSENT = new byte[0];

    private static final long ARRAY_HEADER_BYTES = 16;
    private static final long USER_TABLE_BYTES = 4L * BayesStoreCodec.BUCKETS + ARRAY_HEADER_BYTES;

    private final long maxBytes;
    private final AtomicReference<Generation> newest = new AtomicReference<>(new Generation(Long.MIN_VALUE, 0));

    /** A cache of at most {@code maxBytes} per snapshot; 0 turns it off. */
    BucketCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * The buckets of one user in snapshot {@code txnId}, or null when they are not to be cached: the cache is off or
     * full, or a newer snapshot has been seen (this reader's is out of date).
     */
    UserBuckets forUser(long txnId, String user) {
        if (maxBytes == 0) {
            return null;
        }
        Generation g = newest.get();
        while (g.txnId < txnId) {
            Generation fresh = new Generation(txnId, maxBytes);
            g = newest.compareAndSet(g, fresh) ? fresh : newest.get();
        }
        return g.txnId == txnId ? g.forUser(user) : null;
    }

    /** Bytes held by the newest generation, for tests. */
    long bytes() {
        return newest.get().bytes.get();
    }

    /** One snapshot's cached buckets. */
    private static final class Generation {
        final long txnId;
        final long maxBytes;
        final AtomicLong bytes = new AtomicLong();
        final ConcurrentHashMap<String, UserBuckets> users = new ConcurrentHashMap<>();

        Generation(long txnId, long maxBytes) {
            this.txnId = txnId;
            this.maxBytes = maxBytes;
        }

        UserBuckets forUser(String user) {
            UserBuckets u = users.get(user);
            return u != null ? u
                    : users.computeIfAbsent(user, k -> reserve(USER_TABLE_BYTES) ? new UserBuckets(this) : null);
        }

        boolean reserve(long n) {
            long now = bytes.addAndGet(n);
            if (now > maxBytes) {
                bytes.addAndGet(-n);
                return false;
            }
            return true;
        }
    }

    /** One user's buckets in one snapshot: slot i holds bucket i's value, {@link #ABSENT}, or null (not read yet). */
    static final class UserBuckets {
        private final Generation generation;
        private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(BayesStoreCodec.BUCKETS);

        private UserBuckets(Generation generation) {
            this.generation = generation;
        }

        /** The cached value of bucket {@code i}: its bytes, {@link #ABSENT}, or null when not cached. */
        byte[] get(int i) {
            return slots.get(i);
        }

        /**
         * Keeps bucket {@code i}'s value as read in this snapshot (null: the bucket does not exist), if the budget
         * allows. The array must not be changed afterwards: readers share it.
         */
        void put(int i, byte[] value) {
            byte[] v = value == null ? ABSENT : value;
            if (generation.reserve(v.length + ARRAY_HEADER_BYTES) && !slots.compareAndSet(i, null, v)) {
                generation.bytes.addAndGet(-(v.length + ARRAY_HEADER_BYTES));      // another reader was first
            }
        }
    }
}
