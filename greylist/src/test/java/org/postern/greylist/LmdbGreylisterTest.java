package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.greylist.GreylistDecision.Defer;
import org.postern.greylist.GreylistDecision.Pass;
import org.postern.greylist.GreylistDecision.PassReason;

/** The greylister over real LMDB: state across restarts, and checks from several threads at once. */
class LmdbGreylisterTest {

    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.atNoon();
    private Greylister greylister;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        greylister = reopen();
    }

    @AfterEach
    void close() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        greylister.close();
    }

    private Greylister reopen() {
        return Greylister.open(LmdbGreylistStore.open(dir.resolve("greylist")), GreylistPolicy.defaults(), clock);
    }

    private GreylistDecision check(String ip, String sender, String rcpt) {
        return greylister.check(new GreylistRequest(Addresses.of(ip), Optional.empty(), sender, rcpt));
    }

    @Test
    void pendingPassedAndAllowlistedStateSurvivesARestart() {
        assertThat(check("192.0.2.1", "a@example.org", "r@example.net")).isEqualTo(new Defer(DELAY, true));
        greylister.close();
        clock.advance(DELAY);
        greylister = reopen();
        assertThat(check("192.0.2.1", "a@example.org", "r@example.net"))
                .isEqualTo(new Pass(PassReason.RETRY_AFTER_DELAY));
        for (int i = 2; i <= 5; i++) {
            check("192.0.2.1", "a@example.org", "r" + i + "@example.net");
        }
        clock.advance(DELAY);
        for (int i = 2; i <= 5; i++) {
            check("192.0.2.1", "a@example.org", "r" + i + "@example.net");
        }
        greylister.close();
        clock.advance(Duration.ofDays(1));
        greylister = reopen();
        assertThat(check("192.0.2.99", "new@example.com", "x@example.net"))
                .isEqualTo(new Pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
        assertThat(check("198.51.100.1", "a@example.org", "r@example.net")).isEqualTo(new Defer(DELAY, true));
    }

    /**
     * 25 networks × 2 recipients = 50 triplets, each checked by 8 threads in random order. The lock around writing
     * decisions makes the outcome exact whatever the interleaving: one first attempt and one pass per triplet, and
     * each network counts exactly its 2 passed triplets (no lost update).
     */
    @Test
    void concurrentChecksRecordOneFirstAttemptAndOnePassPerTriplet() throws Exception {
        List<GreylistRequest> requests = new ArrayList<>();
        for (int net = 0; net < 25; net++) {
            for (int rcpt = 0; rcpt < 2; rcpt++) {
                requests.add(new GreylistRequest(Addresses.of("10.0." + net + ".1"), Optional.empty(),
                        "sender@example.org", "rcpt" + rcpt + "@example.net"));
            }
        }
        pool = Executors.newFixedThreadPool(THREADS);

        List<GreylistDecision> first = checkConcurrently(requests);
        assertThat(first).hasSize(THREADS * requests.size()).allMatch(GreylistDecision::defers);
        assertThat(first).filteredOn(d -> ((Defer) d).firstAttempt()).hasSize(requests.size());

        clock.advance(DELAY);
        List<GreylistDecision> second = checkConcurrently(requests);
        assertThat(second).hasSize(THREADS * requests.size()).noneMatch(GreylistDecision::defers);
        assertThat(second).filteredOn(d -> d.equals(new Pass(PassReason.RETRY_AFTER_DELAY))).hasSize(requests.size());
        assertThat(second).filteredOn(d -> d.equals(new Pass(PassReason.KNOWN_TRIPLET)))
                .hasSize((THREADS - 1) * requests.size());

        greylister.close();
        try (LmdbGreylistStore store = LmdbGreylistStore.open(dir.resolve("greylist"))) {
            for (int net = 0; net < 25; net++) {
                InetAddress ip = Addresses.of("10.0." + net + ".1");
                assertThat(store.get(new GreylistKey.Client(ClientGroup.network(ip, 24, 64))))
                        .contains(new GreylistEntry.Counting(2, clock.instant().plus(Duration.ofDays(35))));
            }
        }
        greylister = reopen();
    }

    private List<GreylistDecision> checkConcurrently(List<GreylistRequest> requests) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<GreylistDecision> decisions = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<GreylistRequest> order = new ArrayList<>(requests);
            Collections.shuffle(order, new Random(t));
            futures.add(pool.submit(() -> {
                start.await();
                order.forEach(r -> decisions.add(greylister.check(r)));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        return new ArrayList<>(decisions);
    }
}
