package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
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
        assertThat(store.learn(ALICE, "m1", tok("w:cheap", "w:pills", "w:cheap"), true))
                .isEqualTo(LearnOutcome.LEARNED);
        assertThat(store.learn(ALICE, "m1", tok("w:cheap", "w:pills"), true))
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
        store.learn(ALICE, "m1", tok("w:a", "w:b"), true);
        store.learn(ALICE, "m2", tok("w:a"), true);
        assertThat(store.learn(ALICE, "m1", tok("w:a", "w:b"), false)).isEqualTo(LearnOutcome.MOVED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:a"), c.hamCount("w:a"), c.spamCount("w:b"), c.hamCount("w:b")))
                .containsExactly(1L, 1L, 0L, 1L);
        assertThat(List.of(c.learnedSpam(), c.learnedHam())).containsExactly(1L, 1L);
        assertThat(store.learn(ALICE, "m1", tok("w:a", "w:b"), false)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.learn(ALICE, "m1", tok("w:a", "w:b"), true)).isEqualTo(LearnOutcome.MOVED);
        assertThat(List.of(c.spamCount("w:b"), c.hamCount("w:b"), c.learnedSpam(), c.learnedHam()))
                .containsExactly(1L, 0L, 2L, 0L);
    }

    @Test
    void forgetTakesTheMessageBackAndDeletesTokensThatReachZero() {
        store.learn(ALICE, "m1", tok("w:a", "w:b"), false);
        store.learn(ALICE, "m2", tok("w:a"), false);
        assertThat(store.forget(ALICE, "m1", tok("w:a", "w:b"))).isEqualTo(LearnOutcome.FORGOTTEN);
        assertThat(store.forget(ALICE, "m1", tok("w:a", "w:b"))).isEqualTo(LearnOutcome.NOT_LEARNED);
        assertThat(store.forget(ALICE, "never", tok("w:a"))).isEqualTo(LearnOutcome.NOT_LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.hamCount("w:a"), c.hamCount("w:b"), c.learnedHam())).containsExactly(1L, 0L, 1L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(1);
        // Forgotten means learnable again.
        assertThat(store.learn(ALICE, "m1", tok("w:a", "w:b"), true)).isEqualTo(LearnOutcome.LEARNED);
    }

    @Test
    void usersAreSeparateAndCaseInsensitive() {
        store.learn("Alice@Example.ORG", "m1", tok("w:x"), true);
        store.learn(LmdbBayesStore.GLOBAL, "m1", tok("w:y"), false);
        assertThat(store.learn(ALICE, "m1", tok("w:x"), true)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.countsFor(ALICE).spamCount("w:x")).isEqualTo(1);
        assertThat(store.countsFor(ALICE).hamCount("w:y")).isZero();
        assertThat(store.countsFor("").hamCount("w:y")).isEqualTo(1);
        assertThat(store.countsFor("").spamCount("w:x")).isZero();
        assertThat(store.countsFor("bob@example.org").learnedSpam()).isZero();
        // A user that is a prefix of another ("a" and "a\0..." cannot exist) shares nothing with it.
        store.learn("al", "m9", tok("w:z", "w:zz"), true);
        assertThat(store.prune("al", 0)).isEqualTo(2);
        assertThat(store.tokenCount(ALICE)).isEqualTo(1);
    }

    @Test
    void keepsEverythingAcrossCloseAndReopen() {
        store.learn(ALICE, "m1", tok("w:a", "w:b"), true);
        store.learn(ALICE, "m2", tok("w:b"), false);
        store.close();
        store = LmdbBayesStore.open(dir, LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16, clock);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:a"), c.spamCount("w:b"), c.hamCount("w:b"), c.learnedSpam(),
                c.learnedHam())).containsExactly(1L, 1L, 1L, 1L, 1L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(2);
        assertThat(store.learn(ALICE, "m1", tok("w:a", "w:b"), true)).isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.learn(ALICE, "m2", tok("w:b"), true)).isEqualTo(LearnOutcome.MOVED);
    }

    @Test
    void pruneKeepsAtMostTheLimitAndDropsTheWeakestThenTheOldest() {
        store.learn(ALICE, "m1", tok("a", "b", "c", "d"), true);
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "m2", tok("a", "b", "e"), false);
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "m3", tok("a", "f"), true);
        store.learn("bob", "m1", tok("c", "d"), true);
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
        store.learn(ALICE, "m4", tok("g"), false);
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
        assertThat(store.learn(ALICE, longId, tok(longA, longB, "short"), true)).isEqualTo(LearnOutcome.LEARNED);
        store.learn(ALICE, "m2", tok(longA), true);
        assertThat(store.learn(ALICE, longId, tok(longA, longB, "short"), true))
                .isEqualTo(LearnOutcome.ALREADY_LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount(longA), c.spamCount(longB), c.spamCount(stem))).containsExactly(2L, 1L, 0L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(3);
        assertThat(store.prune(ALICE, 1)).isEqualTo(2);             // hashed keys stay under the user's prefix
        assertThat(c.spamCount(longA)).isEqualTo(2);
        assertThat(store.forget(ALICE, longId, tok(longA, longB, "short"))).isEqualTo(LearnOutcome.FORGOTTEN);
        assertThat(c.spamCount(longA)).isEqualTo(1);
    }

    @Test
    void classifierOnTopOfTheStoreSeparatesSpamFromHam() {
        Random random = new Random(42);
        List<String> spamWords = words("spam", 40);
        List<String> hamWords = words("ham", 40);
        List<String> shared = words("common", 40);
        for (int i = 0; i < 60; i++) {
            store.learn(ALICE, "s" + i, tok(message(random, spamWords, shared)), true);
            store.learn(ALICE, "h" + i, tok(message(random, hamWords, shared)), false);
        }
        BayesClassifier classifier = BayesClassifier.create(ClassifierSettings.withMinimums(50, 50));
        for (int i = 0; i < 20; i++) {
            List<String> spam = message(random, spamWords, shared);
            List<String> ham = message(random, hamWords, shared);
            BayesVerdict s = store.read(ALICE, counts -> classifier.classify(tok(spam), counts));
            BayesVerdict h = store.read(ALICE, counts -> classifier.classify(tok(ham), counts));
            assertThat(s.probability()).isGreaterThan(0.95);
            assertThat(h.probability()).isLessThan(0.05);
            assertThat(s.enoughData()).isTrue();
            // The per-call view gives the same answer as the snapshot.
            assertThat(classifier.classify(tok(spam), store.countsFor(ALICE))).isEqualTo(s);
        }
        // Another user has no model yet.
        BayesVerdict none = store.read("bob", counts -> classifier.classify(tok(hamWords), counts));
        assertThat(none).isEqualTo(new BayesVerdict(0.5, 0, false));
    }

    @Test
    void aReaderKeepsItsSnapshotAndDoesNotBlockAWriter() throws Exception {
        store.learn(ALICE, "m1", tok("w:x"), true);
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
            assertThat(store.learn(ALICE, "m2", tok("w:x", "w:y"), true)).isEqualTo(LearnOutcome.LEARNED);
            written.countDown();
            assertThat(reader.get(10, TimeUnit.SECONDS)).containsExactly(1L, 0L, 1L);   // the old snapshot
            assertThat(store.countsFor(ALICE).spamCount("w:x")).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theReadCacheServesOnlyReadersOfTheSnapshotItWasFilledIn() throws Exception {
        store.learn(ALICE, "m1", tok("w:x"), true);
        assertThat(store.countsFor(ALICE).spamCount("w:x")).isEqualTo(1);        // cached for this snapshot
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch newerRead = new CountDownLatch(1);
            Future<List<Long>> oldReader = pool.submit(() -> store.read(ALICE, counts -> {
                inside.countDown();
                try {
                    assertThat(newerRead.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                // Looked up only now, after a reader of the newer snapshot filled the cache with its counts.
                return List.of(counts.spamCount("w:x"), counts.spamCount("w:y"), counts.spamCount("w:q"));
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            store.learn(ALICE, "m2", tok("w:x", "w:y", "w:q"), true);
            TokenCounts now = store.countsFor(ALICE);
            assertThat(List.of(now.spamCount("w:x"), now.spamCount("w:y"))).containsExactly(2L, 1L);
            newerRead.countDown();
            assertThat(oldReader.get(10, TimeUnit.SECONDS)).containsExactly(1L, 0L, 0L);   // its own snapshot
            // w:q was first read by the old reader: had it cached that (empty) bucket, this would say 0.
            assertThat(now.spamCount("w:q")).isEqualTo(1);
            store.learn(ALICE, "m3", tok("w:x", "w:z"), true);
            // The previous snapshot's cached buckets are not served after a commit.
            assertThat(List.of(now.spamCount("w:x"), now.spamCount("w:y"), now.spamCount("w:z")))
                    .containsExactly(3L, 1L, 1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theReadCacheKeepsUsersApartAndIgnoresTheCaseOfTheirNames() {
        store.learn(ALICE, "m1", tok("w:a"), true);
        store.learn("bob@example.org", "m1", tok("w:a"), false);
        for (int round = 0; round < 2; round++) {                         // the second round reads the cache
            TokenCounts alice = store.countsFor("Alice@Example.org");
            TokenCounts bob = store.countsFor("bob@example.org");
            assertThat(List.of(alice.spamCount("w:a"), alice.hamCount("w:a"), bob.spamCount("w:a"),
                    bob.hamCount("w:a"))).containsExactly(1L, 0L, 0L, 1L);
        }
    }

    @Test
    void aReadCacheTooSmallForTheModelAnswersLikeNoCache() {
        List<String> spamWords = words("s", 3_000);
        List<String> hamWords = words("h", 3_000);
        store.learn(ALICE, "spam", tok(spamWords), true);
        store.learn(ALICE, "ham", tok(hamWords), false);
        store.close();
        // Room for the user's table, two chunks and a few buckets: most lookups go past the full cache to LMDB.
        long smallCache = BucketCache.USER_BYTES + 2 * BucketCache.CHUNK_BYTES + 4_096;
        for (long cacheBytes : new long[] {0, smallCache, LmdbBayesStore.DEFAULT_READ_CACHE_BYTES}) {
            store = LmdbBayesStore.open(dir, LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16, clock, cacheBytes);
            List<String> all = new ArrayList<>(spamWords);
            all.addAll(hamWords);
            all.add("w:never-learned");
            for (int round = 0; round < 2; round++) {                  // the second round reads what was cached
                MessageTokens tokens = tok(all);
                long[] spam = new long[tokens.size()];
                long[] ham = new long[tokens.size()];
                store.countsFor(ALICE).lookup(tokens, spam, ham);
                assertThat(java.util.Arrays.stream(spam).sum()).as("cache %d", cacheBytes).isEqualTo(3_000);
                assertThat(java.util.Arrays.stream(ham).sum()).as("cache %d", cacheBytes).isEqualTo(3_000);
                assertThat(java.util.Arrays.stream(spam).max().orElse(0)).isEqualTo(1);
            }
            store.close();
        }
        store = LmdbBayesStore.open(dir, LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16, clock);
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
                        store.learn(ALICE, thread + "-" + i, tok("w:shared", "w:t" + thread), thread % 2 == 0);
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
        assertThatThrownBy(() -> store.learn("a\0b", "m", tok(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.learn("u".repeat(256), "m", tok(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.learn(ALICE, "", tok(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LmdbBayesStore.open(dir.resolve("small"), LmdbBayesStore.MIN_MAP_SIZE_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least");
        TokenCounts view = store.countsFor(ALICE);
        store.close();
        store.close();
        assertThatThrownBy(() -> view.learnedSpam()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.learn(ALICE, "m", tok(), true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFullMapFailsTheWriteWithoutStoringPartOfIt() {
        try (LmdbBayesStore small = LmdbBayesStore.open(dir.resolve("small"), LmdbBayesStore.MIN_MAP_SIZE_BYTES)) {
            List<String> big = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                big.add("w:token-" + i + "-" + "p".repeat(60));
            }
            small.learn(ALICE, "fits", tok("w:a"), true);
            assertThatThrownBy(() -> small.learn(ALICE, "huge", tok(big), true))
                    .isInstanceOf(BayesStoreException.class);
            assertThat(small.tokenCount(ALICE)).isEqualTo(1);
            assertThat(small.countsFor(ALICE).learnedSpam()).isEqualTo(1);
            assertThat(small.forget(ALICE, "huge", tok(big))).isEqualTo(LearnOutcome.NOT_LEARNED);
        }
    }

    @Test
    void aBatchKeepsTheSeenIndexSemanticsInsideIt() {
        MessageTokens m1 = tok("w:a", "w:b");
        MessageTokens m2 = tok("w:b", "w:c");
        List<LearnOutcome> outcomes = store.learnAll(ALICE, List.of(
                LearnRequest.spam("m1", m1), LearnRequest.spam("m1", m1), LearnRequest.ham("m1", m1),
                LearnRequest.spam("m2", m2), LearnRequest.forget("m2", m2), LearnRequest.forget("m3", m2),
                LearnRequest.ham("m2", m2)));
        assertThat(outcomes).containsExactly(LearnOutcome.LEARNED, LearnOutcome.ALREADY_LEARNED, LearnOutcome.MOVED,
                LearnOutcome.LEARNED, LearnOutcome.FORGOTTEN, LearnOutcome.NOT_LEARNED, LearnOutcome.LEARNED);
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.hamCount("w:a"), c.hamCount("w:b"), c.hamCount("w:c"), c.spamCount("w:a"),
                c.spamCount("w:b"), c.spamCount("w:c"))).containsExactly(1L, 2L, 1L, 0L, 0L, 0L);
        assertThat(List.of(c.learnedSpam(), c.learnedHam())).containsExactly(0L, 2L);
        assertThat(store.tokenCount(ALICE)).isEqualTo(3);
        assertThat(store.seenCount(ALICE)).isEqualTo(2);
        // And across batches, as one message at a time.
        assertThat(store.learnAll(ALICE, List.of(LearnRequest.ham("m1", m1), LearnRequest.spam("m2", m2))))
                .containsExactly(LearnOutcome.ALREADY_LEARNED, LearnOutcome.MOVED);
        assertThat(store.learnAll(ALICE, List.of())).isEmpty();
    }

    @Test
    void aBatchWhoseChangesCancelOutIsStillCommitted() {
        // Learning one message and forgetting another of the same class, both without tokens: the learned counts
        // end where they started, but the seen-index changed and must be written.
        store.learnAll(ALICE, List.of(LearnRequest.spam("old", MessageTokens.empty())));
        assertThat(store.learnAll(ALICE, List.of(LearnRequest.spam("new", MessageTokens.empty()),
                LearnRequest.forget("old", MessageTokens.empty()))))
                .containsExactly(LearnOutcome.LEARNED, LearnOutcome.FORGOTTEN);
        assertThat(store.learnedAs(ALICE, "new")).contains(LearnRequest.Action.SPAM);
        assertThat(store.learnedAs(ALICE, "old")).isEmpty();
        assertThat(store.seenCount(ALICE)).isEqualTo(1);
    }

    @Test
    void aBatchEndsWithTheSameCountsAsLearningOneMessageAtATime() {
        Random random = new Random(7);
        List<String> vocabulary = words("v", 300);
        List<LearnRequest> requests = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            MessageTokens tokens = tok(message(random, vocabulary, vocabulary));
            String key = "k" + random.nextInt(150);              // repeats: already learned, moved, forgotten
            int kind = random.nextInt(5);
            requests.add(kind < 2 ? LearnRequest.spam(key, tokens) : kind < 4 ? LearnRequest.ham(key, tokens)
                    : LearnRequest.forget(key, tokens));
        }
        // Every repeat of a key carries the tokens it was first seen with, as a real message would.
        Map<String, MessageTokens> first = new HashMap<>();
        List<LearnRequest> consistent = new ArrayList<>();
        for (LearnRequest r : requests) {
            MessageTokens t = first.computeIfAbsent(r.learnKey(), k -> r.tokens());
            consistent.add(new LearnRequest(r.action(), r.learnKey(), t));
        }
        List<LearnOutcome> batched = new ArrayList<>();
        for (int from = 0; from < consistent.size(); from += 100) {
            batched.addAll(store.learnAll(ALICE, consistent.subList(from, from + 100)));
        }
        List<LearnOutcome> single = new ArrayList<>();
        try (LmdbBayesStore other = LmdbBayesStore.open(dir.resolve("single"), LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16,
                clock)) {
            for (LearnRequest r : consistent) {
                single.add(switch (r.action()) {
                    case SPAM -> other.learn(ALICE, r.learnKey(), r.tokens(), true);
                    case HAM -> other.learn(ALICE, r.learnKey(), r.tokens(), false);
                    case FORGET -> other.forget(ALICE, r.learnKey(), r.tokens());
                });
            }
            assertThat(batched).isEqualTo(single);
            assertThat(batched).contains(LearnOutcome.values());
            TokenCounts a = store.countsFor(ALICE);
            TokenCounts b = other.countsFor(ALICE);
            MessageTokens all = tok(vocabulary);
            long[][] counts = new long[4][all.size()];
            a.lookup(all, counts[0], counts[1]);
            b.lookup(all, counts[2], counts[3]);
            assertThat(counts[0]).isEqualTo(counts[2]);
            assertThat(counts[1]).isEqualTo(counts[3]);
            assertThat(List.of(a.learnedSpam(), a.learnedHam(), store.tokenCount(ALICE), store.seenCount(ALICE)))
                    .isEqualTo(List.of(b.learnedSpam(), b.learnedHam(), other.tokenCount(ALICE),
                            other.seenCount(ALICE)));
        }
    }

    @Test
    void aBatchThatFailsStoresNoneOfItsMessages() {
        try (LmdbBayesStore small = LmdbBayesStore.open(dir.resolve("small"), LmdbBayesStore.MIN_MAP_SIZE_BYTES)) {
            List<String> big = new ArrayList<>();
            for (int i = 0; i < 40_000; i++) {
                big.add("w:token-" + i);
            }
            small.learn(ALICE, "fits", tok("w:a"), true);
            assertThatThrownBy(() -> small.learnAll(ALICE, List.of(LearnRequest.ham("m1",
                    tok("w:a")), LearnRequest.spam("huge", tok(big)))))
                    .isInstanceOf(BayesStoreException.class);
            assertThat(List.of(small.tokenCount(ALICE), small.seenCount(ALICE), small.countsFor(ALICE).learnedHam()))
                    .containsExactly(1L, 1L, 0L);
            assertThat(small.learn(ALICE, "m1", tok("w:a"), false)).isEqualTo(LearnOutcome.LEARNED);
        }
    }

    @Test
    void pruneSeenKeepsTheMostRecentlyLearnedEntriesAndTheirCounts() {
        for (int i = 1; i <= 5; i++) {
            store.learn(ALICE, "m" + i, tok("w:x"), true);
            clock.advance(Duration.ofMinutes(1));
        }
        store.learn("bob", "m1", tok("w:x"), true);
        // Moving m1 makes it the most recently learned.
        assertThat(store.learn(ALICE, "m1", tok("w:x"), false)).isEqualTo(LearnOutcome.MOVED);
        assertThat(store.seenCount(ALICE)).isEqualTo(5);
        assertThat(store.pruneSeen(ALICE, 2)).isEqualTo(3);
        assertThat(store.pruneSeen(ALICE, 2)).isZero();
        assertThat(store.seenCount(ALICE)).isEqualTo(2);
        assertThat(store.learn(ALICE, "m1", tok("w:x"), false))
                .isEqualTo(LearnOutcome.ALREADY_LEARNED);
        assertThat(store.learn(ALICE, "m5", tok("w:x"), true))
                .isEqualTo(LearnOutcome.ALREADY_LEARNED);
        // Pruned entries keep their counts; they are simply no longer known as learned.
        TokenCounts c = store.countsFor(ALICE);
        assertThat(List.of(c.spamCount("w:x"), c.hamCount("w:x"), c.learnedSpam())).containsExactly(4L, 1L, 4L);
        assertThat(store.forget(ALICE, "m2", tok("w:x"))).isEqualTo(LearnOutcome.NOT_LEARNED);
        assertThat(store.seenCount("bob")).isEqualTo(1);
        assertThatThrownBy(() -> store.pruneSeen(ALICE, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensThatShareABucketKeepTheirOwnCountsThroughLearnForgetAndPrune() {
        // Same top bits, so one bucket: 1..4 and the extremes of the hash range in the first and last bucket.
        MessageTokens a = MessageTokens.of(1, 2, 3, Long.MIN_VALUE, Long.MAX_VALUE);
        MessageTokens b = MessageTokens.of(2, 4, Long.MIN_VALUE);
        assertThat(BayesStoreCodec.bucketOf(1)).isEqualTo(BayesStoreCodec.bucketOf(4));
        assertThat(BayesStoreCodec.bucketOf(Long.MIN_VALUE)).isZero();
        assertThat(BayesStoreCodec.bucketOf(Long.MAX_VALUE)).isEqualTo(BayesStoreCodec.BUCKETS - 1);
        store.learnAll(ALICE, List.of(LearnRequest.spam("a", a), LearnRequest.ham("b", b)));
        long[] spam = new long[6];
        long[] ham = new long[6];
        MessageTokens all = MessageTokens.of(Long.MIN_VALUE, 1, 2, 3, 4, Long.MAX_VALUE);
        store.read(ALICE, c -> {
            c.lookup(all, spam, ham);
            return null;
        });
        assertThat(spam).containsExactly(1, 1, 1, 1, 0, 1);
        assertThat(ham).containsExactly(1, 0, 1, 0, 1, 0);
        assertThat(store.tokenCount(ALICE)).isEqualTo(6);
        assertThat(store.forget(ALICE, "a", a)).isEqualTo(LearnOutcome.FORGOTTEN);
        store.read(ALICE, c -> {
            c.lookup(all, spam, ham);
            return null;
        });
        assertThat(spam).containsOnly(0);
        assertThat(ham).containsExactly(1, 0, 1, 0, 1, 0);
        assertThat(store.tokenCount(ALICE)).isEqualTo(3);
        clock.advance(Duration.ofDays(1));
        store.learn(ALICE, "c", MessageTokens.of(4), false);                   // 4 now the strongest and newest
        assertThat(store.prune(ALICE, 1)).isEqualTo(2);
        assertThat(store.countsFor(ALICE).hamCount("unused")).isZero();
        store.read(ALICE, c -> {
            c.lookup(all, spam, ham);
            return null;
        });
        assertThat(ham).containsExactly(0, 0, 0, 0, 2, 0);
        assertThat(store.tokenCount(ALICE)).isEqualTo(1);
    }

    @Test
    void learnedAsReadsTheSeenIndex() {
        assertThat(store.learnedAs(ALICE, "m1")).isEmpty();
        store.learn(ALICE, "m1", tok("w:a"), true);
        assertThat(store.learnedAs(ALICE, "m1")).contains(LearnRequest.Action.SPAM);
        assertThat(store.learnedAs("bob", "m1")).isEmpty();
        store.learn(ALICE, "m1", tok("w:a"), false);
        assertThat(store.learnedAs(ALICE, "m1")).contains(LearnRequest.Action.HAM);
        store.forget(ALICE, "m1", tok("w:a"));
        assertThat(store.learnedAs(ALICE, "m1")).isEmpty();
    }

    @Test
    void olderValueLayoutsStillRead() {
        assertThat(BayesStoreCodec.seenAtMillis(new byte[] {BayesStoreCodec.SPAM})).isZero();
        assertThat(BayesStoreCodec.seenAtMillis(BayesStoreCodec.encodeSeen(BayesStoreCodec.HAM, 1234))).isEqualTo(1234);
        byte[] v1 = ByteBuffer.allocate(24).putLong(3).putLong(4).putLong(5).array();
        assertThat(BayesStoreCodec.decodeTotals(v1)).isEqualTo(new BayesStoreCodec.Totals(3, 4, 5, 0));
        assertThat(BayesStoreCodec.decodeTotals(new byte[23])).isEqualTo(BayesStoreCodec.Totals.NONE);
        BayesStoreCodec.Totals t = new BayesStoreCodec.Totals(1, 2, 3, 4);
        assertThat(BayesStoreCodec.decodeTotals(BayesStoreCodec.encodeTotals(t))).isEqualTo(t);
    }

    /** The tokens of these strings, as MessageTokens.ofStrings, short enough to keep the lines readable. */
    private static MessageTokens tok(String... tokens) {
        return MessageTokens.ofStrings(tokens);
    }

    private static MessageTokens tok(Collection<String> tokens) {
        return MessageTokens.ofStrings(tokens);
    }

    private static List<String> words(String stem, int n) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add("w:" + stem + i);
        }
        return w;
    }

    private static List<String> message(Random random, List<String> own, List<String> shared) {
        Set<String> tokens = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            tokens.add(own.get(random.nextInt(own.size())));
            tokens.add(shared.get(random.nextInt(shared.size())));
        }
        return List.copyOf(tokens);
    }
}
