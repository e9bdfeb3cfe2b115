package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.BayesClassifier;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.BayesVerdict;
import org.postern.bayes.ClassifierSettings;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenizerSettings;
import picocli.CommandLine;

/**
 * Issue #5's "kill -9 during a learn run leaves a store that opens and whose learned counts equal the messages
 * reported as learned; learning while the daemon classifies works", with the real CLI in a second JVM.
 *
 * <p>The child runs {@code postern learn --verbose --batch 100}, so it commits many times, and prints
 * {@code committing N messages} before and {@code committed learned=...} after each durable transaction. This
 * process classifies from the same store while the child learns, and kills it with SIGKILL as soon as the first
 * commit is reported (thousands of messages are still to go). What the child reported is then exact: if its last line
 * is {@code committed}, the store holds exactly the reported count, because the next transaction had not begun; if its
 * last line is {@code committing N}, the kill fell inside that transaction, which LMDB stored whole or not at all, so
 * the store holds the reported count or that plus N. Nothing reported as learned may be missing, and re-running the
 * same command learns exactly the rest.
 */
class LearnKillIT {

    private static final int MESSAGES = 4000;
    private static final Pattern COMMITTED = Pattern.compile("committed learned=(\\d+) .*");
    private static final Pattern COMMITTING = Pattern.compile("committing (\\d+) messages");

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killNineMidRunLeavesExactlyWhatWasReportedAndARerunLearnsTheRest() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, MESSAGES);
        Path state = dir.resolve("state");
        Path storeDir = state.resolve("bayes");
        BayesTokenizer tokenizer = BayesTokenizer.create(TokenizerSettings.DEFAULT);
        BayesClassifier classifier = BayesClassifier.create(ClassifierSettings.withMinimums(1, 1));
        MessageTokens probe = tokenizer.tokenize(LearnFixtures.message(7).getBytes(UTF_8));

        List<String> lines = new ArrayList<>();
        int classifications = 0;
        long seenByDaemon;
        // This process plays the daemon: it has the store open and classifies while the child writes.
        try (LmdbBayesStore daemon = LmdbBayesStore.open(storeDir)) {
            daemon.learn(LmdbBayesStore.GLOBAL, "ham-seed", MessageTokens.ofStrings("w:hello"), false);
            BlockingQueue<String> out = start(maildir, state);
            long lastSeen = 0;
            String line = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (line == null || !line.startsWith("committed")) {
                assertThat(System.nanoTime()).as("a commit within 120 s").isLessThan(deadline);
                BayesVerdict v = daemon.read(LmdbBayesStore.GLOBAL, counts -> classifier.classify(probe, counts));
                long learned = daemon.countsFor(LmdbBayesStore.GLOBAL).learnedSpam();
                assertThat(learned).as("a reader sees commits only grow").isGreaterThanOrEqualTo(lastSeen);
                assertThat(v.probability()).isBetween(0.0, 1.0);
                lastSeen = learned;
                classifications++;
                line = out.poll(10, TimeUnit.MILLISECONDS);
                if (line != null) {
                    lines.add(line);
                }
            }
            child.destroyForcibly();                              // SIGKILL: no close, no shutdown hooks
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed, not finished").isEqualTo(137);
            for (int i = 0; i < MESSAGES; i++) {                  // lines written before the kill, still in the pipe
                String rest = out.poll(30, TimeUnit.SECONDS);
                assertThat(rest).as("the child's stdout ends").isNotNull();
                if (rest.equals(EOF)) {
                    break;
                }
                lines.add(rest);
            }
            // The daemon's handle, kept open across the kill, sees what the child committed.
            seenByDaemon = daemon.countsFor(LmdbBayesStore.GLOBAL).learnedSpam();
        }
        assertThat(classifications).isPositive();

        long reported = 0;
        long inFlight = 0;
        for (String l : lines) {
            Matcher committed = COMMITTED.matcher(l);
            Matcher committing = COMMITTING.matcher(l);
            if (committed.matches()) {
                reported = Long.parseLong(committed.group(1));
                inFlight = 0;
            } else if (committing.matches()) {
                inFlight = Long.parseLong(committing.group(1));
            }
        }
        assertThat(reported).as("some learned before the kill").isPositive().isLessThan(MESSAGES);

        long stored;
        try (LmdbBayesStore reopened = LmdbBayesStore.open(storeDir)) {
            stored = reopened.countsFor(LmdbBayesStore.GLOBAL).learnedSpam();
            if (inFlight == 0) {
                assertThat(stored).as("exactly what was reported").isEqualTo(reported);
            } else {
                assertThat(stored).as("reported, plus the transaction the kill interrupted or none of it")
                        .isIn(reported, reported + inFlight);
            }
            assertThat(seenByDaemon).isEqualTo(stored);
            assertThat(reopened.seenCount(LmdbBayesStore.GLOBAL)).isEqualTo(stored + 1);     // + the ham seed
            assertThat(reopened.countsFor(LmdbBayesStore.GLOBAL).learnedHam()).isEqualTo(1);
        }

        StringWriter summary = new StringWriter();
        CommandLine cl = PosternCommand.commandLine();
        cl.setOut(new PrintWriter(summary));
        cl.setErr(new PrintWriter(new StringWriter()));
        int code = cl.execute("learn", "--spam", "--config", "/dev/null", "--state-dir", state.toString(),
                maildir.toString());
        assertThat(code).isZero();
        assertThat(summary.toString())
                .contains(String.format("learned:         %8d%n", MESSAGES - stored))
                .contains(String.format("already learned: %8d (skipped)%n", stored));
        try (LmdbBayesStore done = LmdbBayesStore.open(storeDir)) {
            assertThat(done.countsFor(LmdbBayesStore.GLOBAL).learnedSpam()).isEqualTo(MESSAGES);
        }
    }

    private static final String EOF = "\0EOF";

    /** Starts the child learner; its stdout lines arrive in the queue, then {@link #EOF}. */
    private BlockingQueue<String> start(Path maildir, Path state) throws IOException {
        // SIGKILL skips deleteOnExit: keep the child's copy of the native library out of /tmp.
        Path extract = Files.createDirectories(dir.resolve("native"));
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlmdbjava.extract.dir=" + extract, "-cp", System.getProperty("java.class.path"),
                PosternCommand.class.getName(), "learn", "--spam", "--verbose", "--progress", "--batch", "100",
                "--config", "/dev/null", "--state-dir", state.toString(), maildir.toString())
                .redirectError(dir.resolve("child-stderr.txt").toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            } finally {
                lines.add(EOF);
            }
        }, "learn-child-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
