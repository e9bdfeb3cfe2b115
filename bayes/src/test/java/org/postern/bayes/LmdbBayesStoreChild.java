package org.postern.bayes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The second process of {@link LmdbBayesStoreIT}, standing in for the learn CLI: opens the store the test process
 * holds open, reports the parent's learned spam, learns one ham message, says so, and waits to be killed. It never
 * closes the store.
 */
public final class LmdbBayesStoreChild {

    private LmdbBayesStoreChild() {
    }

    /** Argument: the store directory. */
    public static void main(String[] args) throws IOException {
        LmdbBayesStore store = LmdbBayesStore.open(Path.of(args[0]));
        long seen = store.countsFor("alice").learnedSpam();
        LearnOutcome outcome = store.learn("alice", "child-message", MessageTokens.ofStrings("w:child", "w:shared"), false);
        System.out.println("seen=" + seen + " " + outcome);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait to be killed; a closed stdin (the test gave up) ends the process.
        }
        Runtime.getRuntime().halt(3);
    }
}
