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
 * transaction's id is the id of the last write committed when it began, by any process (lmdb.h, mdb_txn_id). A
 * bucket read in snapshot T is therefore right for every reader of T, and for no other. A reader of a newer snapshot
 * starts a new generation (the old one is dropped whole, once the readers still on it finish); a reader of an older
 * one, still open across a commit, neither uses nor fills the cache. Nothing is ever invalidated piecemeal, so
 * nothing can be stale.
 *
 * <p>Memory: each generation holds at most {@code maxBytes}, counted as each cached bucket's length plus an array
 * header, and the slot arrays that hold them ({@value #CHUNK_SLOTS} slots of up to 8 bytes, allocated when the first
 * bucket of their range is cached; a user who reads a few hundred buckets costs a few hundred KB at most). Once a
 * generation is full, further buckets are read from LMDB every time; with no commits for a long time the cache keeps
 * what the first messages needed, which for a shared model is its common tokens. Thread-safe without locks on the
 * read path (a user's first use takes a map's bin lock).
 */
final class BucketCache {

    /** Cached in place of a bucket that does not exist: known empty is also worth remembering. */
    static final byte[] ABSENT = new byte[0];

    /** Slots per chunk of a user's bucket table; chunks are allocated as buckets in their range are cached. */
    static final int CHUNK_SLOTS = 1024;
    private static final int CHUNKS = BayesStoreCodec.BUCKETS / CHUNK_SLOTS;
    private static final long ARRAY_HEADER_BYTES = 16;
    /** A reference is 4 bytes with compressed oops, 8 without (heaps of 32 GiB or more): count 8. */
    private static final long REFERENCE_BYTES = 8;
    static final long CHUNK_BYTES = CHUNK_SLOTS * REFERENCE_BYTES + ARRAY_HEADER_BYTES;
    static final long USER_BYTES = CHUNKS * REFERENCE_BYTES + ARRAY_HEADER_BYTES;

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
     * The buckets of one user (the store's key for the user) in snapshot {@code txnId}, or null when they are not to
     * be cached: the cache is off or full, or a newer snapshot has been seen (this reader's is out of date).
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
        /** Set when a reservation failed: from then on nothing more is tried, so a full cache costs no contention. */
        volatile boolean full;
        final ConcurrentHashMap<String, UserBuckets> users = new ConcurrentHashMap<>();

        Generation(long txnId, long maxBytes) {
            this.txnId = txnId;
            this.maxBytes = maxBytes;
        }

        UserBuckets forUser(String user) {
            UserBuckets u = users.get(user);
            if (u != null || full) {
                return u;
            }
            return users.computeIfAbsent(user, k -> reserve(USER_BYTES) ? new UserBuckets(this) : null);
        }

        /** Counts {@code n} more bytes if they fit; the count never exceeds the budget, not even for a moment. */
        boolean reserve(long n) {
            long current;
            do {
                current = bytes.get();
                if (full || current + n > maxBytes) {
                    full = true;
                    return false;
                }
            } while (!bytes.compareAndSet(current, current + n));
            return true;
        }
    }

    /** One user's buckets in one snapshot: a slot holds the bucket's value, {@link #ABSENT}, or null (not cached). */
    static final class UserBuckets {
        private final Generation generation;
        private final AtomicReferenceArray<AtomicReferenceArray<byte[]>> chunks = new AtomicReferenceArray<>(CHUNKS);

        private UserBuckets(Generation generation) {
            this.generation = generation;
        }

        /** The cached value of bucket {@code i}: its bytes, {@link #ABSENT}, or null when not cached. */
        byte[] get(int i) {
            AtomicReferenceArray<byte[]> chunk = chunks.get(i / CHUNK_SLOTS);
            return chunk == null ? null : chunk.get(i % CHUNK_SLOTS);
        }

        /**
         * Keeps bucket {@code i}'s value as read in this snapshot (null: the bucket does not exist), if the budget
         * allows. The array must not be changed afterwards: readers share it.
         */
        void put(int i, byte[] value) {
            AtomicReferenceArray<byte[]> chunk = chunk(i / CHUNK_SLOTS);
            byte[] v = value == null ? ABSENT : value;
            long cost = v.length + ARRAY_HEADER_BYTES;
            if (chunk != null && generation.reserve(cost) && !chunk.compareAndSet(i % CHUNK_SLOTS, null, v)) {
                generation.bytes.addAndGet(-cost);                        // another reader was first
            }
        }

        private AtomicReferenceArray<byte[]> chunk(int c) {
            AtomicReferenceArray<byte[]> chunk = chunks.get(c);
            if (chunk != null || !generation.reserve(CHUNK_BYTES)) {
                return chunk;
            }
            AtomicReferenceArray<byte[]> fresh = new AtomicReferenceArray<>(CHUNK_SLOTS);
            if (chunks.compareAndSet(c, null, fresh)) {
                return fresh;
            }
            generation.bytes.addAndGet(-CHUNK_BYTES);                     // another reader was first
            return chunks.get(c);
        }
    }
}
