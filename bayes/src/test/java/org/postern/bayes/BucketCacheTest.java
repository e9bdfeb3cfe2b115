package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BucketCacheTest {

    private static final long USER = BucketCache.USER_BYTES;
    private static final long CHUNK = BucketCache.CHUNK_BYTES;

    @Test
    void aGenerationServesOneSnapshotAndANewerOneReplacesIt() {
        BucketCache cache = new BucketCache(USER + CHUNK + 1_000);
        BucketCache.UserBuckets alice = cache.forUser(7, "alice");
        alice.put(3, new byte[24]);
        alice.put(4, null);
        assertThat(cache.forUser(7, "alice").get(3)).hasSize(24);
        assertThat(cache.forUser(7, "alice").get(4)).isSameAs(BucketCache.ABSENT);
        assertThat(cache.forUser(7, "alice").get(5)).isNull();
        assertThat(cache.forUser(7, "alice").get(BucketCache.CHUNK_SLOTS + 3)).isNull();   // another chunk
        assertThat(cache.bytes()).isEqualTo(USER + CHUNK + (24 + 16) + 16);

        assertThat(cache.forUser(8, "alice").get(3)).isNull();           // a commit: everything is dropped
        assertThat(cache.forUser(7, "alice")).isNull();                  // an older reader neither reads nor fills
        assertThat(cache.bytes()).isEqualTo(USER);
    }

    @Test
    void theBudgetBoundsBucketsChunksAndUsers() {
        BucketCache cache = new BucketCache(USER + CHUNK + 100);
        BucketCache.UserBuckets alice = cache.forUser(1, "alice");
        alice.put(0, new byte[48]);                                      // 64 of 100
        alice.put(BucketCache.CHUNK_SLOTS, new byte[8]);                 // a second chunk does not fit
        alice.put(1, new byte[48]);                                      // would be 128: not kept, and now full
        alice.put(2, new byte[8]);                                       // would fit, but the cache is full
        assertThat(alice.get(0)).hasSize(48);
        assertThat(alice.get(BucketCache.CHUNK_SLOTS)).isNull();
        assertThat(alice.get(1)).isNull();
        assertThat(alice.get(2)).isNull();
        assertThat(cache.forUser(1, "bob")).isNull();                    // no room for bob's table
        assertThat(cache.bytes()).isEqualTo(USER + CHUNK + 64);
        assertThat(new BucketCache(0).forUser(1, "alice")).isNull();
        assertThatThrownBy(() -> new BucketCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstValueOfABucketStaysAndIsCountedOnce() {
        BucketCache cache = new BucketCache(USER + CHUNK + 1_000);
        BucketCache.UserBuckets alice = cache.forUser(1, "alice");
        byte[] first = new byte[24];
        alice.put(2, first);
        alice.put(2, new byte[24]);
        assertThat(alice.get(2)).isSameAs(first);
        assertThat(cache.bytes()).isEqualTo(USER + CHUNK + 40);
    }

    /**
     * Readers of rising snapshots on four threads: a value read back always belongs to the reader's own snapshot,
     * and the newest generation never holds more than its budget.
     */
    @Test
    void concurrentReadersOfRisingSnapshotsOnlySeeTheirOwnSnapshotsValues() throws Exception {
        long budget = 2 * USER + 8 * CHUNK + 20_000;
        BucketCache cache = new BucketCache(budget);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    long checked = 0;
                    assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
                    for (int op = 0; op < 50_000; op++) {
                        long txnId = op / 500 + random.nextInt(3);               // mostly rising, some behind
                        String user = random.nextBoolean() ? "alice" : "bob";
                        BucketCache.UserBuckets buckets = cache.forUser(txnId, user);
                        if (buckets == null) {
                            continue;
                        }
                        int bucket = random.nextInt(16 * BucketCache.CHUNK_SLOTS);
                        byte[] cached = buckets.get(bucket);
                        if (cached == null) {
                            buckets.put(bucket, ByteBuffer.allocate(16).putLong(txnId).putLong(bucket).array());
                        } else {
                            ByteBuffer b = ByteBuffer.wrap(cached);
                            assertThat(b.getLong()).isEqualTo(txnId);
                            assertThat(b.getLong()).isEqualTo(bucket);
                            checked++;
                        }
                        assertThat(cache.bytes()).isLessThanOrEqualTo(budget);
                    }
                    return checked;
                }));
            }
            start.countDown();
            long checked = 0;
            for (Future<Long> w : workers) {
                checked += w.get(60, TimeUnit.SECONDS);
            }
            assertThat(checked).as("values were read back, not only written").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
