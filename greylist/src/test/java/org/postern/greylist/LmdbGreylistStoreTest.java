package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against real LMDB in a temporary directory, plus what only a disk store has. */
class LmdbGreylistStoreTest extends GreylistStoreContract {

    @TempDir
    Path dir;

    @Override
    GreylistStore openStore() {
        return LmdbGreylistStore.open(dir.resolve("greylist"));
    }

    @Test
    void entriesSurviveCloseAndReopen() {
        store.put(triplet(1), new GreylistEntry.Pending(NOW, NOW.plusSeconds(60)));
        store.put(new GreylistKey.Client(NET), new GreylistEntry.Counting(2, NOW));
        store.close();
        store = openStore();
        assertThat(store.get(triplet(1))).contains(new GreylistEntry.Pending(NOW, NOW.plusSeconds(60)));
        assertThat(store.get(new GreylistKey.Client(NET))).contains(new GreylistEntry.Counting(2, NOW));
        assertThat(((LmdbGreylistStore) store).size()).isEqualTo(2);
    }

    @Test
    void createsTheDirectoryAndOwnerOnlyFiles() throws Exception {
        Path env = dir.resolve("greylist");
        assertThat(env).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env.resolve("data.mdb"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env.resolve("lock.mdb"))))
                .isEqualTo("rw-------");
    }

    @Test
    void addressesLongerThanLmdbKeysAreStored() {
        String local = "x".repeat(250);
        GreylistKey.Triplet a = new GreylistKey.Triplet(NET, local + "@a.example", local + "@example.net");
        GreylistKey.Triplet b = new GreylistKey.Triplet(NET, local + "@b.example", local + "@example.net");
        store.put(a, new GreylistEntry.Passed(NOW));
        assertThat(store.get(a)).contains(new GreylistEntry.Passed(NOW));
        assertThat(store.get(b)).isEmpty();
    }

    @Test
    void fullMapIsAStoreFailureNotACrash() {
        store.close();
        store = LmdbGreylistStore.open(dir.resolve("small"), LmdbGreylistStore.MIN_MAP_SIZE_BYTES);
        GreylistStoreException failure = null;
        int written = 0;
        for (int batchSize : new int[] {100, 10, 1}) {
            for (int batch = 0; batch < 20_000 / batchSize; batch++) {
                Map<GreylistKey, GreylistEntry> puts = new HashMap<>();
                for (int i = 0; i < batchSize; i++) {
                    puts.put(new GreylistKey.Triplet(NET, batchSize + "-" + batch + "-" + i + "@example.org", "r"),
                            new GreylistEntry.Passed(NOW));
                }
                try {
                    store.update(puts, Set.of());
                    written += batchSize;
                } catch (GreylistStoreException e) {
                    failure = e;
                    break;
                }
            }
        }
        assertThat(failure).as("1 MiB fills up within 20 000 entries").isNotNull()
                .hasMessageStartingWith("greylist store write failed");
        assertThat(written).isPositive();
        assertThat(store.get(new GreylistKey.Triplet(NET, "100-0-0@example.org", "r")))
                .contains(new GreylistEntry.Passed(NOW));

        try (Greylister greylister = Greylister.open(store, GreylistPolicy.defaults(),
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            GreylistDecision decision = null;
            for (int i = 0; i < 1000 && !(decision instanceof GreylistDecision.StoreFailure); i++) {
                decision = greylister.check(new GreylistRequest(Addresses.of("203.0.113.1"), Optional.empty(),
                        "new" + i + "@example.org", "rcpt@example.net"));
            }
            assertThat(decision).isInstanceOf(GreylistDecision.StoreFailure.class);
            assertThat(decision.defers()).isFalse();
        }
    }

    @Test
    void rejectsATinyMapSize() {
        assertThatThrownBy(() -> LmdbGreylistStore.open(dir.resolve("tiny"), 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("greylist map size must be at least 1048576 bytes, not 4096");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAStoreFailure() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> LmdbGreylistStore.open(file)).isInstanceOf(GreylistStoreException.class);
    }
}
