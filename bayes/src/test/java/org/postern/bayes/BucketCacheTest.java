package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BucketCacheTest {

    private static final long TABLE = 4L * BayesStoreCodec.BUCKETS + 16;

    @Test
    void aGenerationServesOneSnapshotAndANewerOneReplacesIt() {
        BucketCache cache = new BucketCache(TABLE + 1_000);
        BucketCache.UserBuckets alice = cache.forUser(7, "alice");
        alice.put(3, new byte[24]);
        alice.put(4, null);
        assertThat(cache.forUser(7, "alice").get(3)).hasSize(24);
        assertThat(cache.forUser(7, "alice").get(4)).isSameAs(BucketCache.ABSENT);
        assertThat(cache.forUser(7, "alice").get(5)).isNull();
        assertThat(cache.bytes()).isEqualTo(TABLE + (24 + 16) + 16);

        assertThat(cache.forUser(8, "alice").get(3)).isNull();           // a commit: everything is dropped
        assertThat(cache.forUser(7, "alice")).isNull();                  // an older reader neither reads nor fills
        assertThat(cache.bytes()).isEqualTo(TABLE);
    }

    @Test
    void theBudgetBoundsBucketsAndUsers() {
        BucketCache cache = new BucketCache(TABLE + 100);
        BucketCache.UserBuckets alice = cache.forUser(1, "alice");
        alice.put(0, new byte[48]);                                      // 64 of 100
        alice.put(1, new byte[48]);                                      // would be 128: not kept
        assertThat(alice.get(0)).hasSize(48);
        assertThat(alice.get(1)).isNull();
        assertThat(cache.forUser(1, "bob")).isNull();                    // no room for bob's table
        assertThat(cache.bytes()).isEqualTo(TABLE + 64);
        assertThat(new BucketCache(0).forUser(1, "alice")).isNull();
        assertThatThrownBy(() -> new BucketCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstValueOfABucketStaysAndIsCountedOnce() {
        BucketCache cache = new BucketCache(TABLE + 1_000);
        BucketCache.UserBuckets alice = cache.forUser(1, "alice");
        byte[] first = new byte[24];
        alice.put(2, first);
        alice.put(2, new byte[24]);
        assertThat(alice.get(2)).isSameAs(first);
        assertThat(cache.bytes()).isEqualTo(TABLE + 40);
    }
}
