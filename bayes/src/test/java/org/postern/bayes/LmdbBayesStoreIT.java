package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md's "the CLI learns while the daemon reads", with a real second JVM: the child learns into the store this
 * process holds open, this process sees the commit at once, and the commit survives {@code kill -9} of the child.
 */
class LmdbBayesStoreIT {

    @TempDir
    Path dir;

    @Test
    void secondProcessLearnsWhileThisOneReadsAndItsLearnSurvivesKillNine() throws Exception {
        Path env = dir.resolve("bayes");
        try (LmdbBayesStore store = LmdbBayesStore.open(env)) {
            store.learn("alice", "parent-message", MessageTokens.ofStrings("w:parent", "w:shared"), true);

            // SIGKILL skips deleteOnExit: keep the child's copy of the native library out of /tmp.
            Path extract = Files.createDirectories(dir.resolve("native"));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlmdbjava.extract.dir=" + extract, "-cp", System.getProperty("java.class.path"),
                    LmdbBayesStoreChild.class.getName(), env.toString())
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).get(60, TimeUnit.SECONDS);
                assertThat(line).isEqualTo("seen=1 LEARNED");
                TokenCounts c = store.countsFor("alice");
                assertThat(List.of(c.spamCount("w:shared"), c.hamCount("w:shared"), c.learnedHam()))
                        .containsExactly(1L, 1L, 1L);
            } finally {
                child.destroyForcibly();     // SIGKILL: no close, no shutdown hooks
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(child.exitValue()).isEqualTo(137);   // 128 + SIGKILL
        }
        try (LmdbBayesStore reopened = LmdbBayesStore.open(env)) {
            assertThat(reopened.learn("alice", "child-message", MessageTokens.ofStrings("w:child", "w:shared"), false))
                    .isEqualTo(LearnOutcome.ALREADY_LEARNED);
            assertThat(reopened.tokenCount("alice")).isEqualTo(3);
            assertThat(reopened.countsFor("alice").learnedSpam()).isEqualTo(1);
        }
    }

    /**
     * A {@code postern learn} run with a larger {@code bayes.max_store_bytes} than the daemon's grows the file past
     * the daemon's map; the daemon's next read or write meets MDB_MAP_RESIZED and must adopt the new size, not fail.
     */
    @Test
    void aProcessWithTheSmallerMapAdoptsTheSizeAnotherProcessGrewTheFileTo() throws Exception {
        Path env = dir.resolve("bayes");
        try (LmdbBayesStore store = LmdbBayesStore.open(env, LmdbBayesStore.MIN_MAP_SIZE_BYTES)) {
            store.learn("alice", "parent-message", MessageTokens.ofStrings("w:parent"), true);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LmdbBayesStoreGrowChild.class.getName(),
                    env.toString(), String.valueOf(64L << 20), "60000")
                    .redirectErrorStream(true)
                    .start();
            try {
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(out).contains("LEARNED tokens=60001");
            } finally {
                child.destroyForcibly();
            }
            assertThat(Files.size(env.resolve("data.mdb"))).isGreaterThan(LmdbBayesStore.MIN_MAP_SIZE_BYTES);
            TokenCounts c = store.countsFor("alice");
            assertThat(List.of(c.learnedSpam(), c.learnedHam(), c.hamCount("w:grow59999"))).containsExactly(1L, 1L, 1L);
            assertThat(store.learn("alice", "parent-2", MessageTokens.ofStrings("w:grow0"), true))
                    .isEqualTo(LearnOutcome.LEARNED);
            assertThat(store.countsFor("alice").spamCount("w:grow0")).isEqualTo(1);
        }
    }
}
