package org.postern.bayes;

import java.util.Arrays;

/**
 * The net change a {@link LmdbBayesStore#learnAll} batch makes to each token, summed over its messages before any of
 * it touches LMDB: a token that 800 of 1000 messages share is read and written once, not 800 times. An open-addressing
 * hash map from token hash to (spam delta, ham delta, touched), with primitive arrays, because a batch adds hundreds of
 * thousands of tokens and boxing each would be most of the work.
 *
 * <p>Not thread-safe; one per batch.
 */
final class TokenDeltas {

    private long[] keys;
    private int[] spam;
    private int[] ham;
    private boolean[] used;
    private boolean[] touched;
    private int size;

    TokenDeltas(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        spam = new int[capacity];
        ham = new int[capacity];
        used = new boolean[capacity];
        touched = new boolean[capacity];
    }

    /** Adds the deltas to every token; {@code touch} marks them learned now (their last-used time moves). */
    void add(MessageTokens tokens, int dSpam, int dHam, boolean touch) {
        for (int i = 0; i < tokens.size(); i++) {
            int slot = slot(tokens.get(i));
            spam[slot] += dSpam;
            ham[slot] += dHam;
            touched[slot] |= touch;
        }
    }

    int size() {
        return size;
    }

    /** The tokens, ascending (signed, which is the store's key order), for applying in key order. */
    long[] sortedTokens() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                out[n++] = keys[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    int spamDelta(long token) {
        return spam[find(token)];
    }

    int hamDelta(long token) {
        return ham[find(token)];
    }

    boolean touched(long token) {
        return touched[find(token)];
    }

    private int find(long token) {
        int mask = keys.length - 1;
        for (int i = mix(token) & mask; ; i = (i + 1) & mask) {
            if (!used[i]) {
                throw new IllegalStateException("token not in this batch");
            }
            if (keys[i] == token) {
                return i;
            }
        }
    }

    private int slot(long token) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(token) & mask;
        while (used[i]) {
            if (keys[i] == token) {
                return i;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = token;
        size++;
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSpam = spam;
        int[] oldHam = ham;
        boolean[] oldUsed = used;
        boolean[] oldTouched = touched;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                int s = slot(oldKeys[i]);
                spam[s] = oldSpam[i];
                ham[s] = oldHam[i];
                touched[s] = oldTouched[i];
            }
        }
    }

    /** The hashes are already uniform (TokenHash); fold the high bits in anyway for tokens made by {@code of(...)}. */
    private static int mix(long h) {
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
