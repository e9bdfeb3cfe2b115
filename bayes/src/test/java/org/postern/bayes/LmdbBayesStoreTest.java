package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbBayesStoreTest {

    private static final String ALICE = "alice@example.org";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private LmdbBayesStore store;

    @BeforeEach
    void open() {
        store = LmdbBayesStore.open(dir, LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void learnsANewMessageAndIgnoresTheSameClassAgain() {
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:cheap", "w:pills", "w:cheap"), true))
                .isEqualTo(LearnOutcome.LEARNED);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:cheap", "w:pills"), true))
                .isEqualTo(LearnOutcome.ALREADY_LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(c.spamCount("w:cheap")).isEqualTo(1);          // duplicates in one message count once
        assertThat(c.hamCount("w:cheap")).isZero();
        assertThat(c.learnedSpam()).isEqualTo(1);
        assertThat(c.learnedHam()).isZero();
        assertThat(store.tokenCount(ALICE)).isEqualTo(2);
    }

    @Test
    void relearningAsTheOtherClassMovesTheMessage() {
        store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), true);
        store.learn(ALICE, "m2", MessageTokens.ofStrings("w:a"), true);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), false)).isEqualTo(LearnOutcome.MOVED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:a"), c.hamCount("w:a"), c.spamCount("w:b"), c.hamCount("w:b")))
                .containsExactly(1L, 1L, 0L, 1L);
        assertThat(List.of(c.learnedSpam(), c.learnedHam())).containsExactly(1L, 1L);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), false)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), true)).isEqualTo(LearnOutcome.MOVED);
        assertThat(List.of(c.spamCount("w:b"), c.hamCount("w:b"), c.learnedSpam(), c.learnedHam()))
                .containsExactly(1L, 0L, 2L, 0L);
    }

    @Test
    void forgetTakesTheMessageBackAndDeletesTokensThatReachZero() {
        store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), false);
        store.learn(ALICE, "m2", MessageTokens.ofStrings("w:a"), false);
        assertThat(store.forget(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"))).isEqualTo(LearnOutcome.FORGOTTEN);
        assertThat(store.forget(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"))).isEqualTo(LearnOutcome.NOT_LEARNED);
        assertThat(store.forget(ALICE, "never", MessageTokens.ofStrings("w:a"))).isEqualTo(LearnOutcome.NOT_LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.hamCount("w:a"), c.hamCount("w:b"), c.learnedHam())).containsExactly(1L, 0L, 1L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(1);
        // Forgotten means learnable again.
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), true)).isEqualTo(LearnOutcome.LEARNED);
    }

    @Test
    void usersAreSeparateAndCaseInsensitive() {
        store.learn("Alice@Example.ORG", "m1", MessageTokens.ofStrings("w:x"), true);
        store.learn(LmdbBayesStore.GLOBAL, "m1", MessageTokens.ofStrings("w:y"), false);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:x"), true)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.countsFor(ALICE).spamCount("w:x")).isEqualTo(1);
        assertThat(store.countsFor(ALICE).hamCount("w:y")).isZero();
        assertThat(store.countsFor("").hamCount("w:y")).isEqualTo(1);
        assertThat(store.countsFor("").spamCount("w:x")).isZero();
        assertThat(store.countsFor("bob@example.org").learnedSpam()).isZero();
        // A user that is a prefix of another ("a" and "a\0..." cannot exist) shares nothing with it.
        store.learn("al", "m9", MessageTokens.ofStrings("w:z", "w:zz"), true);
        assertThat(store.prune("al", 0)).isEqualTo(2);
        assertThat(store.tokenCount(ALICE)).isEqualTo(1);
    }

    @Test
    void keepsEverythingAcrossCloseAndReopen() {
        store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), true);
        store.learn(ALICE, "m2", MessageTokens.ofStrings("w:b"), false);
        store.close();
        store = LmdbBayesStore.open(dir, LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16, clock);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:a"), c.spamCount("w:b"), c.hamCount("w:b"), c.learnedSpam(),
                c.learnedHam())).containsExactly(1L, 1L, 1L, 1L, 1L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(2);
        assertThat(store.learn(ALICE, "m1", MessageTokens.ofStrings("w:a", "w:b"), true)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.learn(ALICE, "m2", MessageTokens.ofStrings("w:b"), true)).isEqualTo(LearnOutcome.MOVED);
    }

    @Test
    void pruneKeepsAtMostTheLimitAndDropsTheWeakestThenTheOldest() {
        store.learn(ALICE, "m1", MessageTokens.ofStrings("a", "b", "c", "d"), true);
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "m2", MessageTokens.ofStrings("a", "b", "e"), false);
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "m3", MessageTokens.ofStrings("a", "f"), true);
        store.learn("bob", "m1", MessageTokens.ofStrings("c", "d"), true);
        // Weights: a 3, b 2, then c d (day 0), e (day 1), f (day 2) with 1 each.
        assertThat(store.tokenCount(ALICE)).isEqualTo(6);
        assertThat(store.prune(ALICE, 3)).isEqualTo(3);
        TokenCounts c = store.countsFor(ALICE);
        for (String gone : List.of("c", "d", "e")) {
            assertThat(c.spamCount(gone) + c.hamCount(gone)).as(gone).isZero();
        }
        assertThat(List.of(c.spamCount("a") + c.hamCount("a"), c.hamCount("b"), c.spamCount("f")))
                .containsExactly(3L, 1L, 1L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(3);
        assertThat(List.of(c.learnedSpam(), c.learnedHam())).containsExactly(2L, 1L);   // messages are kept
        assertThat(store.prune(ALICE, 3)).isZero();
        assertThat(store.tokenCount("bob")).isEqualTo(2);                              // other users untouched
        assertThat(store.countsFor("bob").spamCount("c")).isEqualTo(1);
        // Re-learning refreshes a token's last use: f is now older than a freshly learned g of the same weight.
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "m4", MessageTokens.ofStrings("g"), false);
        assertThat(store.prune(ALICE, 3)).isEqualTo(1);
        assertThat(c.spamCount("f")).isZero();
        assertThat(c.hamCount("g")).isEqualTo(1);
        assertThatThrownBy(() -> store.prune(ALICE, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longTokensAndMessageIdsAreHashedAndStayDistinct() {
        String stem = "w:" + "x".repeat(600);
        String longA = stem + "a";
        String longB = stem + "b";
        String longId = "id-" + "9".repeat(2000);
        assertThat(store.learn(ALICE, longId, MessageTokens.ofStrings(longA, longB, "short"), true)).isEqualTo(LearnOutcome.LEARNED);
        store.learn(ALICE, "m2", MessageTokens.ofStrings(longA), true);
        assertThat(store.learn(ALICE, longId, MessageTokens.ofStrings(longA, longB, "short"), true))
                .isEqualTo(LearnOutcome.ALREADY_LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount(longA), c.spamCount(longB), c.spamCount(stem))).containsExactly(2L, 1L, 0L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(3);
        assertThat(store.prune(ALICE, 1)).isEqualTo(2);             // hashed keys stay under the user's prefix
        assertThat(c.spamCount(longA)).isEqualTo(2);
        assertThat(store.forget(ALICE, longId, MessageTokens.ofStrings(longA, longB, "short"))).isEqualTo(LearnOutcome.FORGOTTEN);
        assertThat(c.spamCount(longA)).isEqualTo(1);
    }

    @Test
    void classifierOnTopOfTheStoreSeparatesSpamFromHam() {
        Random random = new Random(42);
        List<String> spamWords = words("spam", 40);
        List<String> hamWords = words("ham", 40);
        List<String> shared = words("common", 40);
        for (int i = 0; i < 60; i++) {
            store.learn(ALICE, "s" + i, MessageTokens.ofStrings(message(random, spamWords, shared)), true);
            store.learn(ALICE, "h" + i, MessageTokens.ofStrings(message(random, hamWords, shared)), false);
        }
        BayesClassifier classifier = BayesClassifier.create(ClassifierSettings.withMinimums(50, 50));
        for (int i = 0; i < 20; i++) {
            List<String> spam = message(random, spamWords, shared);
            List<String> ham = message(random, hamWords, shared);
            BayesVerdict s = store.read(ALICE, counts -> classifier.classify(MessageTokens.ofStrings(spam), counts));
            BayesVerdict h = store.read(ALICE, counts -> classifier.classify(MessageTokens.ofStrings(ham), counts));
            assertThat(s.probability()).isGreaterThan(0.95);
            assertThat(h.probability()).isLessThan(0.05);
            assertThat(s.enoughData()).isTrue();
            // The per-call view gives the same answer as the snapshot.
            assertThat(classifier.classify(MessageTokens.ofStrings(spam), store.countsFor(ALICE))).isEqualTo(s);
        }
        // Another user has no model yet.
        BayesVerdict none = store.read("bob", counts -> classifier.classify(MessageTokens.ofStrings(hamWords), counts));
        assertThat(none).isEqualTo(new BayesVerdict(0.5, 0, false));
    }

    @Test
    void aReaderKeepsItsSnapshotAndDoesNotBlockAWriter() throws Exception {
        store.learn(ALICE, "m1", MessageTokens.ofStrings("w:x"), true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch written = new CountDownLatch(1);
            Future<List<Long>> reader = pool.submit(() -> store.read(ALICE, counts -> {
                long before = counts.spamCount("w:x");
                inside.countDown();
                try {
                    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return List.of(before, counts.spamCount("w:y"), counts.learnedSpam());
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            // The read transaction is open on the other thread; this write must not wait for it.
            assertThat(store.learn(ALICE, "m2", MessageTokens.ofStrings("w:x", "w:y"), true)).isEqualTo(LearnOutcome.LEARNED);
            written.countDown();
            assertThat(reader.get(10, TimeUnit.SECONDS)).containsExactly(1L, 0L, 1L);   // the old snapshot
            assertThat(store.countsFor(ALICE).spamCount("w:x")).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentLearnersLoseNoUpdate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        store.learn(ALICE, thread + "-" + i, MessageTokens.ofStrings("w:shared", "w:t" + thread), thread % 2 == 0);
                        store.read(ALICE, c -> c.spamCount("w:shared"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:shared"), c.hamCount("w:shared"), c.learnedSpam(), c.learnedHam()))
                .containsExactly(50L, 50L, 50L, 50L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(5);
    }

    @Test
    void snapshotCountsCannotBeUsedAfterTheRead() {
        TokenCounts escaped = store.read(ALICE, counts -> counts);
        assertThatThrownBy(() -> escaped.spamCount("w:x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThatThrownBy(() -> store.learn("a\0b", "m", MessageTokens.ofStrings(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.learn("u".repeat(256), "m", MessageTokens.ofStrings(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.learn(ALICE, "", MessageTokens.ofStrings(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LmdbBayesStore.open(dir.resolve("small"), LmdbBayesStore.MIN_MAP_SIZE_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least");
        TokenCounts view = store.countsFor(ALICE);
        store.close();
        store.close();
        assertThatThrownBy(() -> view.learnedSpam()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.learn(ALICE, "m", MessageTokens.ofStrings(), true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFullMapFailsTheWriteWithoutStoringPartOfIt() {
        try (LmdbBayesStore small = LmdbBayesStore.open(dir.resolve("small"), LmdbBayesStore.MIN_MAP_SIZE_BYTES)) {
            List<String> big = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                big.add("w:token-" + i + "-" + "p".repeat(60));
            }
            small.learn(ALICE, "fits", MessageTokens.ofStrings("w:a"), true);
            assertThatThrownBy(() -> small.learn(ALICE, "huge", MessageTokens.ofStrings(big), true)).isInstanceOf(BayesStoreException.class);
            assertThat(small.tokenCount(ALICE)).isEqualTo(1);
            assertThat(small.countsFor(ALICE).learnedSpam()).isEqualTo(1);
            assertThat(small.forget(ALICE, "huge", MessageTokens.ofStrings(big))).isEqualTo(LearnOutcome.NOT_LEARNED);
        }
    }

    private static List<String> words(String stem, int n) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add("w:" + stem + i);
        }
        return w;
    }

    private static List<String> message(Random random, List<String> own, List<String> shared) {
        Set<String> tokens = new java.util.TreeSet<>();
        for (int i = 0; i < 12; i++) {
            tokens.add(own.get(random.nextInt(own.size())));
            tokens.add(shared.get(random.nextInt(shared.size())));
        }
        return List.copyOf(tokens);
    }
}
