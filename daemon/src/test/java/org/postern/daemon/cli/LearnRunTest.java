package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.LearnKey;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LearnRequest;
import org.postern.bayes.MessageTokens;

class LearnRunTest {

    @TempDir
    Path dir;

    /**
     * A directory with an mbox of {@code n} messages, and for every ten of them a file over the 400-byte limit and a
     * dangling link (unreadable).
     */
    private MessageSource messages(String name, int n) throws IOException {
        Path tree = Files.createDirectories(dir.resolve(name));
        Files.writeString(tree.resolve("inbox.mbox"), LearnFixtures.mbox(0, n), UTF_8);
        for (int i = 0; i < n; i += 10) {
            Files.writeString(tree.resolve("big" + i + ".eml"), "x".repeat(1000));
            Files.createSymbolicLink(tree.resolve("gone" + i + ".eml"), dir.resolve("nowhere"));
        }
        return MessageSource.of(tree.toString(), 400, () -> null);
    }

    private static LearnRequest prepare(byte[] message, String learnKey) {
        return LearnRequest.spam(learnKey, MessageTokens.ofStrings("w:x"));
    }

    @Test
    void aFileExpungedAfterListingIsGoneNotUnreadableButADanglingLinkIsUnreadable(@TempDir Path dir)
            throws Exception {
        LearnRun run = new LearnRun(new LearnRun.Settings(400, 1, 10, Duration.ofMillis(50)), LearnRun.Precheck.NONE,
                LearnRunTest::prepare, batch -> List.of(), LearnRun.Listener.NONE, System::nanoTime);
        Path expunged = dir.resolve("cur/1764583200.M1.host:2,S");
        assertThat(run.read(expunged)).isEqualTo(new PendingMessage.Gone(expunged.toString()));
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThat(run.read(link)).isInstanceOf(PendingMessage.Unreadable.class);

        LearnSummary summary = new LearnSummary();
        summary.recordGone();
        assertThat(summary.render(false, true, 400, Duration.ofSeconds(1)))
                .contains("gone:                   1 (removed from the mailbox while the run read it)\n")
                .contains("unreadable:             0\n").contains("1 messages in ");
        assertThat(summary.unreadable()).isZero();
    }

    @Test
    void batchesStayWithinTheLimitAndEveryMessageIsCountedOnce() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        LearnRun run = new LearnRun(new LearnRun.Settings(400, 3, 7, Duration.ofMillis(50)), LearnRun.Precheck.NONE,
                LearnRunTest::prepare,
                batch -> {
                    sizes.add(batch.size());
                    return Collections.nCopies(batch.size(), LearnOutcome.LEARNED);
                }, LearnRun.Listener.NONE, System::nanoTime);
        LearnSummary summary = new LearnSummary();
        run.run(List.of(messages("a", 100), messages("b", 5)), summary, null);
        assertThat(sizes).allMatch(s -> s >= 1 && s <= 7);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(105);
        assertThat(summary.count(LearnOutcome.LEARNED)).isEqualTo(105);
        assertThat(summary.tooBig()).isEqualTo(11);
        assertThat(summary.unreadable()).isEqualTo(11);
        assertThat(summary.done()).isEqualTo(127);
        assertThat(sizes).as("several transactions").hasSizeGreaterThanOrEqualTo(15);
    }

    @Test
    void messagesThePrecheckAnswersAreCountedWithoutBeingTokenizedOrWritten() throws Exception {
        AtomicInteger tokenized = new AtomicInteger();
        // Messages 1 and 10..19 count as learned before.
        Set<String> known = new HashSet<>();
        for (int i : new int[] {1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) {
            // As the mbox splitter gives them: the quoted body line unquoted.
            known.add(LearnKey.of((LearnFixtures.message(i) + "From a quoted line\n").getBytes(UTF_8)));
        }
        List<LearnRequest> written = Collections.synchronizedList(new ArrayList<>());
        LearnRun run = new LearnRun(new LearnRun.Settings(400, 2, 1000, Duration.ofMillis(50)),
                key -> known.contains(key) ? Optional.of(LearnOutcome.ALREADY_LEARNED) : Optional.empty(),
                (m, key) -> {
                    tokenized.incrementAndGet();
                    return prepare(m, key);
                },
                batch -> {
                    written.addAll(batch);
                    return Collections.nCopies(batch.size(), LearnOutcome.LEARNED);
                }, LearnRun.Listener.NONE, System::nanoTime);
        LearnSummary summary = new LearnSummary();
        run.run(List.of(messages("a", 30)), summary, null);
        assertThat(summary.count(LearnOutcome.ALREADY_LEARNED)).isEqualTo(11);
        assertThat(summary.count(LearnOutcome.LEARNED)).isEqualTo(19);
        assertThat(tokenized.get()).isEqualTo(19);
        assertThat(written).hasSize(19);
    }

    @Test
    void aStoreFailureEndsTheRunAfterCountingOnlyWhatWasCommitted() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        int[] calls = {0};
        LearnRun run = new LearnRun(new LearnRun.Settings(400, 2, 10, Duration.ofSeconds(30)), LearnRun.Precheck.NONE,
                LearnRunTest::prepare,
                batch -> {
                    if (++calls[0] == 2) {
                        throw new IllegalStateException("disk full");
                    }
                    return Collections.nCopies(batch.size(), LearnOutcome.LEARNED);
                }, new LearnRun.Listener() {
                    @Override
                    public void committing(int messages) {
                        events.add("committing " + messages);
                    }

                    @Override
                    public void committed(LearnSummary s) {
                        events.add("committed " + s.count(LearnOutcome.LEARNED));
                    }
                }, System::nanoTime);
        LearnSummary summary = new LearnSummary();
        MessageSource source = messages("a", 1000);
        assertThatThrownBy(() -> run.run(List.of(source), summary, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(summary.count(LearnOutcome.LEARNED)).isEqualTo(10);
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isEqualTo("committed 10");
        assertThat(events.get(2)).startsWith("committing ");               // the one that failed: never "committed"
    }
}
