package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMDB as DESIGN.md needs it, with a real second JVM: two processes use one store at once, and a write that was
 * acknowledged survives {@code kill -9} of the process that made it.
 */
class LmdbGreylistStoreIT {

    private static final ClientGroup NET = new ClientGroup(ClientGroup.Kind.NETWORK, "192.0.2.0/24");
    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    static GreylistKey.Triplet key(String sender) {
        return new GreylistKey.Triplet(NET, sender, "rcpt@example.net");
    }

    @Test
    void secondProcessSharesTheStoreAndItsWriteSurvivesKillNine() throws Exception {
        Path env = dir.resolve("greylist");
        try (LmdbGreylistStore store = LmdbGreylistStore.open(env)) {
            store.put(key("parent@example.org"), new GreylistEntry.Passed(EXPIRES));

            // SIGKILL skips deleteOnExit: keep the child's copy of the native library out of /tmp.
            Path extract = Files.createDirectories(dir.resolve("native"));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlmdbjava.extract.dir=" + extract, "-cp", System.getProperty("java.class.path"),
                    LmdbStoreChild.class.getName(), env.toString(),
                    "parent@example.org", "child@example.org", EXPIRES.toString())
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
                assertThat(line).isEqualTo("seen=true written");

                // The child's commit is visible to this process's open store at once.
                assertThat(store.get(key("child@example.org"))).contains(new GreylistEntry.Passed(EXPIRES));
            } finally {
                child.destroyForcibly();     // SIGKILL: no close, no shutdown hooks
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(child.exitValue()).isEqualTo(137);   // 128 + SIGKILL
        }
        try (LmdbGreylistStore reopened = LmdbGreylistStore.open(env)) {
            assertThat(reopened.get(key("parent@example.org"))).contains(new GreylistEntry.Passed(EXPIRES));
            assertThat(reopened.get(key("child@example.org"))).contains(new GreylistEntry.Passed(EXPIRES));
            reopened.put(key("after@example.org"), new GreylistEntry.Passed(EXPIRES));
            assertThat(reopened.size()).isEqualTo(3);
        }
    }
}
