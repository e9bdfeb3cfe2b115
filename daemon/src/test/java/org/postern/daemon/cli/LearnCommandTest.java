package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.LmdbBayesStore;
import picocli.CommandLine;

class LearnCommandTest {

    @TempDir
    Path dir;

    @Test
    void learnsAMaildirThenSkipsItThenMovesItThenForgetsIt() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 20);

        Run spam = learn("--spam", maildir.toString());
        assertThat(spam.code).isZero();
        assertThat(spam.out).contains("learned:               20\n").contains("already learned:        0\n")
                .contains("unreadable:             0\n");
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(20L, 0L, 20L);

        Run again = learn("--spam", maildir.toString());
        assertThat(again.out).contains("learned:                0\n")
                .contains("already learned:       20 (skipped)\n");
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(20L, 0L, 20L);

        Run ham = learn("--ham", maildir.toString());
        assertThat(ham.out).contains("moved:                 20 (had been learned as spam)\n");
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(0L, 20L, 20L);

        Run forget = learn("--forget", maildir.toString());
        assertThat(forget.out).contains("forgotten:             20\n");
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(0L, 0L, 0L);
        assertThat(learn("--forget", maildir.toString()).out)
                .contains("not learned:           20 (skipped, was never learned)\n");
        try (LmdbBayesStore store = LmdbBayesStore.open(dir.resolve("state/bayes"))) {
            assertThat(store.tokenCount(LmdbBayesStore.GLOBAL)).isZero();    // forgetting took every count back
        }
    }

    @Test
    void learnsEveryKindOfPathAndReportsWhatItCouldNotRead() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 4);
        Files.createSymbolicLink(maildir.resolve("cur/1764583200.gone.test:2,S"), dir.resolve("nowhere"));
        Files.writeString(maildir.resolve("cur/1764583200.big.test:2,S"), LearnFixtures.message(50) + "x".repeat(500));
        Path mbox = dir.resolve("archive.mbox");
        Files.writeString(mbox, LearnFixtures.mbox(10, 13), UTF_8);
        Path single = dir.resolve("one.eml");
        Files.writeString(single, LearnFixtures.message(20), UTF_8);
        Path copy = dir.resolve("same-again.eml");
        Files.writeString(copy, LearnFixtures.message(20), UTF_8);
        Path empty = dir.resolve("empty.eml");
        Files.writeString(empty, "");
        Path missing = dir.resolve("missing");

        Run run = learn(LearnFixtures.message(30).getBytes(UTF_8), "--spam", "--max-size", "400", maildir.toString(),
                mbox.toString(), single.toString(), copy.toString(), "-", empty.toString(), missing.toString());
        assertThat(run.code).as("unreadable input makes the exit code 1").isEqualTo(1);
        assertThat(run.out).contains("learned:                9\n")              // 4 + 3 + 1 + stdin
                .contains("already learned:        1 (skipped)\n")                // the copy in the same run
                .contains("too big:                1 (skipped, over --max-size 400 bytes)\n")
                .contains("unreadable:             2\n")
                .contains("  " + maildir.resolve("cur/1764583200.gone.test:2,S") + ": no such file or directory\n")
                .contains("  " + missing + ": no such file or directory\n")
                .contains("13 messages in ");
        assertThat(run.out).as("an empty file given as a path is an empty mailbox").doesNotContain(empty.toString());
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(9L, 0L, 9L);
    }

    @Test
    void learnsIntoTheNamedUsersModelOnly() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 3);
        assertThat(learn("--ham", "--user", "Alice@Example.org", maildir.toString()).code).isZero();
        assertThat(counts("alice@example.org")).containsExactly(0L, 3L, 3L);
        assertThat(counts(LmdbBayesStore.GLOBAL)).containsExactly(0L, 0L, 0L);
    }

    @Test
    void verboseSaysWhatIsOnDiskAfterEachTransaction() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 5);
        Run run = learn("--spam", "--verbose", "--progress", "--batch", "2", maildir.toString());
        List<String> lines = run.out.lines().filter(l -> l.startsWith("commit")).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(6);            // at least 3 transactions: 2 + 2 + 1
        assertThat(lines).filteredOn(l -> l.startsWith("committing "))
                .allMatch(l -> l.equals("committing 1 messages") || l.equals("committing 2 messages"));
        assertThat(lines.get(0)).startsWith("committing ");
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("committed learned=5 already_learned=0 moved=0 forgotten=0 not_learned=0");
        assertThat(run.err).contains("5/5").contains("msg/s");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhy() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 1);
        assertThat(learn(maildir.toString()).code).isEqualTo(2);
        assertThat(learn("--spam", "--ham", maildir.toString()).code).isEqualTo(2);
        assertThat(learn("--spam").code).isEqualTo(2);
        Run zero = learn("--spam", "--max-size", "0", maildir.toString());
        assertThat(zero.code).isEqualTo(2);
        assertThat(zero.err).contains("--max-size must be between 1 and");
        assertThat(learn("--spam", "-", "-").err).contains("- (standard input) may be given once");
        Run longUser = learn("--spam", "--user", "x".repeat(256), maildir.toString());
        assertThat(longUser.code).isEqualTo(2);
        assertThat(longUser.err).contains("its model key must be at most 255 bytes in UTF-8, not 256");
        assertThat(learn("--spam", "--batch", "0", maildir.toString()).err).contains("--batch must be between");
        assertThat(Files.exists(dir.resolve("state/bayes"))).as("nothing opened on a usage error").isFalse();
    }

    @Test
    void aStoreAtItsConfiguredMaximumSizeStopsTheRunAndSaysWhichKeyToRaise() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 3_000);
        Path config = Files.writeString(dir.resolve("postern.yml"), "bayes:\n  max_store_bytes: 1048576\n");
        Run run = learnWith(config, new byte[0], "--spam", maildir.toString());
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("the store is full at its maximum size of 1048576 bytes",
                "raise bayes.max_store_bytes");
        // Batches committed before the full one (a slow machine commits a batch after a second) are kept and
        // reported; the one that did not fit stored nothing.
        long reported = run.out.lines().filter(l -> l.startsWith("learned:"))
                .mapToLong(l -> Long.parseLong(l.substring("learned:".length()).strip())).sum();
        assertThat(reported).isLessThan(3_000);
        assertThat(counts(LmdbBayesStore.GLOBAL).get(0)).isEqualTo(reported);
    }

    /** Learned spam, learned ham, seen-index entries of the user, read from the store the command closed. */
    @Test
    void userIsMappedAsTheDaemonMapsRecipients() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 3);
        assertThat(learn("--spam", "--user", "Alice+Lists@Example.test", maildir.toString()).code).isZero();
        // The extension is dropped and the address lower-cased: the model the milter reads for alice@example.test.
        assertThat(counts("alice@example.test")).containsExactly(3L, 0L, 3L);
        assertThat(counts("alice+lists@example.test")).containsExactly(0L, 0L, 0L);
        // The store's limit is on the key, not on the option as typed: a long extension is dropped before it.
        Path more = LearnFixtures.maildir(dir.resolve("More"), 10, 12);
        assertThat(learn("--spam", "--user", "bob+" + "x".repeat(300) + "@example.test", more.toString()).code)
                .isZero();
        assertThat(counts("bob@example.test")).containsExactly(2L, 0L, 2L);
    }

    @Test
    void helpIsTheSubcommandsOwn() {
        StringWriter out = new StringWriter();
        CommandLine cl = PosternCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("learn", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: postern learn ").contains("--spam", "--max-size");
    }

    private List<Long> counts(String user) {
        try (LmdbBayesStore store = LmdbBayesStore.open(dir.resolve("state/bayes"))) {
            var c = store.countsFor(user);
            return List.of(c.learnedSpam(), c.learnedHam(), store.seenCount(user));
        }
    }

    private record Run(int code, String out, String err) {}

    private Run learn(String... args) {
        return learn(new byte[0], args);
    }

    private Run learn(byte[] stdin, String... args) {
        return learnWith(Path.of("/dev/null"), stdin, args);
    }

    private Run learnWith(Path config, byte[] stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("learn", "--config", config.toString(), "--state-dir",
                dir.resolve("state").toString()));
        all.addAll(List.of(args));
        InputStream oldIn = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(stdin));
            CommandLine cl = PosternCommand.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute(all.toArray(String[]::new));
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setIn(oldIn);
        }
    }
}
