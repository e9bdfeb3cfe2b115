package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Token counts in a {@link HashMap}, for tests, benchmarks and evaluation. Unbounded and not thread-safe: the daemon
 * uses the persistent store instead.
 */
public final class InMemoryTokenCounts implements TokenCounts {

    private final Map<String, long[]> counts = new HashMap<>();   // token → {spam, ham}
    private long learnedSpam;
    private long learnedHam;

    /** Counts one message with these tokens as spam or ham; duplicate tokens in the collection count once. */
    public void learn(Collection<String> tokens, boolean spam) {
        int column = spam ? 0 : 1;
        for (String token : new LinkedHashSet<>(tokens)) {
            counts.computeIfAbsent(requireNonNull(token, "token"), t -> new long[2])[column]++;
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
    public void unlearn(Collection<String> tokens, boolean spam) {
        int column = spam ? 0 : 1;
        for (String token : new LinkedHashSet<>(tokens)) {
            long[] c = counts.get(token);
            if (c != null) {
                c[column] = Math.max(0, c[column] - 1);
                if (c[0] == 0 && c[1] == 0) {
                    counts.remove(token);
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
    public long spamCount(String token) {
        long[] c = counts.get(token);
        return c == null ? 0 : c[0];
    }

    @Override
    public long hamCount(String token) {
        long[] c = counts.get(token);
        return c == null ? 0 : c[1];
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
