package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collection;

/**
 * The distinct tokens of one message, each as its 64-bit hash, sorted in ascending (signed) order. Immutable.
 *
 * <p>Hashes instead of strings keep tokenizing free of string building, make every store key 8 bytes, and let a store
 * read a message's tokens in key order. A token's hash depends only on its string ({@link #ofStrings}), so tests and
 * tools can name tokens; {@link BayesTokenizer#explain} gives the strings of a message.
 */
public final class MessageTokens {

    private static final MessageTokens EMPTY = new MessageTokens(new long[0]);

    private final long[] sorted;

    private MessageTokens(long[] sorted) {
        this.sorted = sorted;
    }

    /** The empty set. */
    public static MessageTokens empty() {
        return EMPTY;
    }

    /** The given hashes, sorted, duplicates once. The array is copied. */
    public static MessageTokens of(long... hashes) {
        return ofOwned(requireNonNull(hashes, "hashes").clone(), hashes.length);
    }

    /** The hashes of the given token strings ({@code w:cheap}, {@code subject:free}, ...), duplicates once. */
    public static MessageTokens ofStrings(Collection<String> tokens) {
        long[] hashes = new long[tokens.size()];
        int i = 0;
        for (String token : tokens) {
            hashes[i++] = TokenHash.of(requireNonNull(token, "token"));
        }
        return ofOwned(hashes, hashes.length);
    }

    /** As {@link #ofStrings(Collection)}. */
    public static MessageTokens ofStrings(String... tokens) {
        return ofStrings(Arrays.asList(tokens));
    }

    /** Takes ownership of {@code hashes[0..length)}: sorts it in place and drops duplicates. */
    static MessageTokens ofOwned(long[] hashes, int length) {
        if (length == 0) {
            return EMPTY;
        }
        Arrays.sort(hashes, 0, length);
        int distinct = 1;
        for (int i = 1; i < length; i++) {
            if (hashes[i] != hashes[distinct - 1]) {
                hashes[distinct++] = hashes[i];
            }
        }
        return new MessageTokens(distinct == hashes.length ? hashes : Arrays.copyOf(hashes, distinct));
    }

    /** How many distinct tokens. */
    public int size() {
        return sorted.length;
    }

    /** The hash at {@code index} in ascending order. */
    public long get(int index) {
        return sorted[index];
    }

    /** A copy of the hashes, ascending. */
    public long[] toArray() {
        return sorted.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageTokens other && Arrays.equals(sorted, other.sorted);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sorted);
    }

    @Override
    public String toString() {
        return "MessageTokens[" + sorted.length + " tokens]";
    }
}
