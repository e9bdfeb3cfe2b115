package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * lmdbjava issue #252: with lmdbjava 0.9.1's ByteArrayProxy this test crashed the JVM (SIGSEGV in memcpy) or read
 * back corrupted values, because a collection freed the native copy of a key or value while LMDB read it. The stores
 * of bayes/ and greylist/ use that proxy; this test keeps the lmdbjava version honest.
 */
class ByteArrayProxyStressTest {

    @TempDir
    Path dir;

    @Test
    void keysAndValuesSurviveGarbageCollectionDuringWrites() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc();                    // what a learn batch's allocations do, only more often
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        int n = 20_000;
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(1L << 28).setMaxDbs(1)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC)) {
            Dbi<byte[]> dbi = env.openDbi("x", DbiFlags.MDB_CREATE);
            collector.start();
            Random random = new Random(1);
            try (Txn<byte[]> txn = env.txnWrite()) {
                for (int i = 0; i < n; i++) {
                    dbi.put(txn, key(i), value(i, 100 + random.nextInt(2000)));
                }
                txn.commit();
            }
            stop.set(true);
            collector.join(TimeUnit.SECONDS.toMillis(30));
            random = new Random(1);
            int wrong = 0;
            try (Txn<byte[]> txn = env.txnRead()) {
                for (int i = 0; i < n; i++) {
                    if (!Arrays.equals(dbi.get(txn, key(i)), value(i, 100 + random.nextInt(2000)))) {
                        wrong++;
                    }
                }
            }
            assertThat(wrong).isZero();
        } finally {
            stop.set(true);
        }
        assertThat(collector.isAlive()).isFalse();
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(int i, int length) {
        byte[] v = new byte[length];
        Arrays.fill(v, (byte) (i % 251));
        return v;
    }
}
