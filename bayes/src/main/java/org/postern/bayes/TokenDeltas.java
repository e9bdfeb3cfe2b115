package org.postern.bayes;

import java.util.ArrayList;
import java.util.List;

/**
 * The net change a {@link LmdbBayesStore#learnAll} batch makes to each token, gathered bucket by bucket
 * ({@link BayesStoreCodec}) so the store reads and writes each touched bucket once: a token that 800 of 1000 messages
 * share is merged into its bucket once, not 800 times.
 *
 * <p>How: every (token, change) occurrence of the batch is placed into its bucket's slice of two flat arrays by a
 * counting sort on the bucket number (two linear passes, no hashing, no boxing; a batch adds a million occurrences).
 * A bucket's slice is small (the batch's tokens spread over {@value BayesStoreCodec#BUCKETS} buckets), so it is
 * sorted by insertion and its duplicates summed when the store asks for it.
 *
 * <p>Not thread-safe; one per batch. {@link #add} every message first, then {@link #build}, then read the buckets.
 */
final class TokenDeltas {

    private final List<MessageTokens> messages = new ArrayList<>();
    private final List<Byte> kinds = new ArrayList<>();
    private long occurrences;
    private int[] start;
    private long[] tokens;
    private byte[] tokenKinds;

    /** Adds the deltas (each -1, 0 or 1) to every token; {@code touch} marks them learned now. */
    void add(MessageTokens t, int dSpam, int dHam, boolean touch) {
        if (dSpam < -1 || dSpam > 1 || dHam < -1 || dHam > 1) {
            throw new IllegalArgumentException("deltas are -1, 0 or 1");
        }
        messages.add(t);
        kinds.add((byte) ((dSpam + 1) * 6 + (dHam + 1) * 2 + (touch ? 1 : 0)));
        occurrences += t.size();
    }

    /** Whether no token changes at all. */
    boolean isEmpty() {
        return occurrences == 0;
    }

    /** Places every occurrence in its bucket's slice; call once, after the last {@link #add}. */
    void build() {
        if (occurrences > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch too large: " + occurrences + " token occurrences");
        }
        start = new int[BayesStoreCodec.BUCKETS + 1];
        for (MessageTokens t : messages) {
            for (int i = 0; i < t.size(); i++) {
                start[BayesStoreCodec.bucketOf(t.get(i)) + 1]++;
            }
        }
        for (int b = 0; b < BayesStoreCodec.BUCKETS; b++) {
            start[b + 1] += start[b];
        }
        int[] next = start.clone();
        tokens = new long[(int) occurrences];
        tokenKinds = new byte[(int) occurrences];
        for (int m = 0; m < messages.size(); m++) {
            MessageTokens t = messages.get(m);
            byte kind = kinds.get(m);
            for (int i = 0; i < t.size(); i++) {
                long token = t.get(i);
                int at = next[BayesStoreCodec.bucketOf(token)]++;
                tokens[at] = token;
                tokenKinds[at] = kind;
            }
        }
    }

    /** Whether the batch changes any token of this bucket. */
    boolean touches(int bucket) {
        return start[bucket + 1] > start[bucket];
    }

    /**
     * The bucket's changes, ascending by token with duplicates summed, into {@code out} (grown as needed); returns how
     * many distinct tokens.
     */
    int changes(int bucket, Changes out) {
        int from = start[bucket];
        int to = start[bucket + 1];
        // Insertion sort of the slice by token, kinds alongside: slices are a few dozen long.
        for (int i = from + 1; i < to; i++) {
            long t = tokens[i];
            byte k = tokenKinds[i];
            int j = i - 1;
            while (j >= from && tokens[j] > t) {
                tokens[j + 1] = tokens[j];
                tokenKinds[j + 1] = tokenKinds[j];
                j--;
            }
            tokens[j + 1] = t;
            tokenKinds[j + 1] = k;
        }
        out.ensure(to - from);
        int n = -1;
        for (int i = from; i < to; i++) {
            int kind = tokenKinds[i];
            if (n < 0 || out.token[n] != tokens[i]) {
                n++;
                out.token[n] = tokens[i];
                out.spam[n] = 0;
                out.ham[n] = 0;
                out.touched[n] = false;
            }
            out.spam[n] += kind / 6 - 1;
            out.ham[n] += kind % 6 / 2 - 1;
            out.touched[n] |= (kind & 1) != 0;
        }
        return n + 1;
    }

    /** Scratch arrays for one bucket's changes, reused from bucket to bucket. */
    static final class Changes {
        long[] token = new long[64];
        int[] spam = new int[64];
        int[] ham = new int[64];
        boolean[] touched = new boolean[64];

        void ensure(int n) {
            if (token.length < n) {
                token = new long[n];
                spam = new int[n];
                ham = new int[n];
                touched = new boolean[n];
            }
        }
    }
}
