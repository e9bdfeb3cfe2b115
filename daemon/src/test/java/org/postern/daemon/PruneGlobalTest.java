package org.postern.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.MessageTokens;

class PruneGlobalTest {

    @TempDir
    Path dir;

    @Test
    void boundsTheGlobalModelAndLeavesUsersAlone() {
        try (LmdbBayesStore store = LmdbBayesStore.open(dir)) {
            for (int m = 0; m < 30; m++) {
                MessageTokens tokens = MessageTokens.ofStrings("w:common", "w:only" + m);
                store.learn(LmdbBayesStore.GLOBAL, "g" + m, tokens, m % 2 == 0);
                store.learn("alice", "a" + m, tokens, true);
            }
            Postern.pruneGlobal(store, 10);
            assertThat(store.tokenCount(LmdbBayesStore.GLOBAL)).isEqualTo(10);
            assertThat(store.tokenCount("alice")).isEqualTo(31);
            assertThat(store.countsFor(LmdbBayesStore.GLOBAL).spamCount("w:common")).isEqualTo(15);

            Postern.pruneGlobal(store, 10);                        // under the bound: nothing more goes
            assertThat(store.tokenCount(LmdbBayesStore.GLOBAL)).isEqualTo(10);
        }
    }
}
