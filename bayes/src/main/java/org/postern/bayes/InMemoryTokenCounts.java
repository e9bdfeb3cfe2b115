package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * Token counts in a {@link HashMap}, for tests, benchmarks and evaluation. Unbounded and not thread-safe: the daemon
 * uses the persistent store instead.
 */
public final class InMemoryTokenCounts implements TokenCounts {

    private final Map<Long, long[]> counts = new HashMap<>();   // token hash → {spam, ham}
    private long learnedSpam;
    private long learnedHam;

    /** Counts one message with these tokens as spam or ham. */
    public void learn(MessageTokens tokens, boolean spam) {
        requireNonNull(tokens, "tokens");
        int column = spam ? 0 : 1;
        for (int i = 0; i < tokens.size(); i++) {
            counts.computeIfAbsent(tokens.get(i), t -> new long[2])[column]++;
        }
        if (spam) {
            learnedSpam++;
        } else {
            learnedHam++;
        }
    }

    /**
     * Takes back one {@link #learn} of the same tokens and class. Counts never go below zero, so unlearning a message
     * that was not learned leaves them at zero rather than corrupting them.
     */
    public void unlearn(MessageTokens tokens, boolean spam) {
        requireNonNull(tokens, "tokens");
        int column = spam ? 0 : 1;
        for (int i = 0; i < tokens.size(); i++) {
            long[] c = counts.get(tokens.get(i));
            if (c != null) {
                c[column] = Math.max(0, c[column] - 1);
                if (c[0] == 0 && c[1] == 0) {
                    counts.remove(tokens.get(i));
                }
            }
        }
        if (spam) {
            learnedSpam = Math.max(0, learnedSpam - 1);
        } else {
            learnedHam = Math.max(0, learnedHam - 1);
        }
    }

    /** Distinct tokens with a non-zero count. */
    public int tokenCount() {
        return counts.size();
    }

    @Override
    public void lookup(MessageTokens tokens, long[] spam, long[] ham) {
        for (int i = 0; i < tokens.size(); i++) {
            long[] c = counts.get(tokens.get(i));
            spam[i] = c == null ? 0 : c[0];
            ham[i] = c == null ? 0 : c[1];
        }
    }

    @Override
    public long learnedSpam() {
        return learnedSpam;
    }

    @Override
    public long learnedHam() {
        return learnedHam;
    }
}
