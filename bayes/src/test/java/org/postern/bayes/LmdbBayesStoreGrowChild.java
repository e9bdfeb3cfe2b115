package org.postern.bayes;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The second process of {@link LmdbBayesStoreIT#aProcessWithTheSmallerMapAdoptsTheSizeAnotherProcessGrewTheFileTo}:
 * opens the store with a larger map than the test process, learns enough to grow the file beyond the test process's
 * map, says so, and exits.
 */
public final class LmdbBayesStoreGrowChild {

    private LmdbBayesStoreGrowChild() {
    }

    /** Arguments: the store directory, the map size, the number of distinct tokens to learn. */
    public static void main(String[] args) {
        try (LmdbBayesStore store = LmdbBayesStore.open(Path.of(args[0]), Long.parseLong(args[1]),
                Clock.systemUTC())) {
            List<String> words = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                words.add("w:grow" + i);
            }
            LearnOutcome outcome = store.learn("alice", "grow-message", MessageTokens.ofStrings(words), false);
            System.out.println(outcome + " tokens=" + store.tokenCount("alice"));
        }
    }
}
