package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link GreylistStore} promises; one subclass per implementation opens the store under test. */
abstract class GreylistStoreContract {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final ClientGroup NET = new ClientGroup(ClientGroup.Kind.NETWORK, "192.0.2.0/24");
    static final ClientGroup DOMAIN = new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, "example.com");

    GreylistStore store;

    /** A new, empty store. */
    abstract GreylistStore openStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static GreylistKey.Triplet triplet(int i) {
        return new GreylistKey.Triplet(NET, "sender" + i + "@example.org", "rcpt@example.net");
    }

    @Test
    void unknownKeyHasNoEntry() {
        assertThat(store.get(triplet(1))).isEmpty();
    }

    @Test
    void everyKindOfEntryIsStoredUnderEveryKindOfKey() {
        Map<GreylistKey, GreylistEntry> entries = Map.of(
                triplet(1), new GreylistEntry.Pending(NOW, NOW.plusSeconds(60)),
                new GreylistKey.Triplet(DOMAIN, "example.org", "rcpt@example.net"), new GreylistEntry.Passed(NOW),
                new GreylistKey.Client(NET), new GreylistEntry.Counting(4, NOW),
                new GreylistKey.Client(DOMAIN), new GreylistEntry.Allowlisted(NOW.plusMillis(1)));
        store.update(entries, Set.of());
        entries.forEach((key, entry) -> assertThat(store.get(key)).contains(entry));
    }

    @Test
    void putReplacesAndDeleteRemoves() {
        store.put(triplet(1), new GreylistEntry.Pending(NOW, NOW.plusSeconds(60)));
        store.put(triplet(1), new GreylistEntry.Passed(NOW.plusSeconds(120)));
        assertThat(store.get(triplet(1))).contains(new GreylistEntry.Passed(NOW.plusSeconds(120)));
        store.delete(triplet(1));
        store.delete(triplet(2));
        assertThat(store.get(triplet(1))).isEmpty();
    }

    @Test
    void updatePutsAndDeletesTogether() {
        store.put(triplet(1), new GreylistEntry.Passed(NOW));
        store.update(Map.of(triplet(2), new GreylistEntry.Passed(NOW)), Set.of(triplet(1)));
        assertThat(store.get(triplet(1))).isEmpty();
        assertThat(store.get(triplet(2))).isPresent();
    }

    @Test
    void updateRejectsAKeyBothPutAndDeletedAndChangesNothing() {
        assertThatThrownBy(() -> store.update(Map.of(triplet(1), new GreylistEntry.Passed(NOW),
                triplet(2), new GreylistEntry.Passed(NOW)), Set.of(triplet(2))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.get(triplet(1))).isEmpty();
    }

    @Test
    void getReturnsExpiredEntriesToo() {
        store.put(triplet(1), new GreylistEntry.Passed(NOW.minusSeconds(1)));
        assertThat(store.get(triplet(1))).contains(new GreylistEntry.Passed(NOW.minusSeconds(1)));
    }

    @Test
    void purgeDeletesOnlyWhatExpiredAndLooksAtNoMoreThanAsked() {
        for (int i = 0; i < 20; i++) {
            // Even: expired at NOW exactly (an entry is live only before its expiry). Odd: live one more millisecond.
            store.put(triplet(i), new GreylistEntry.Passed(i % 2 == 0 ? NOW : NOW.plusMillis(1)));
        }
        int first = store.purgeExpired(NOW, 6);
        assertThat(first).isBetween(1, 6);
        int deleted = first;
        int calls = 1;
        while (deleted < 10 && calls < 20) {
            int batch = store.purgeExpired(NOW, 6);
            assertThat(batch).isLessThanOrEqualTo(6);
            deleted += batch;
            calls++;
        }
        assertThat(deleted).isEqualTo(10);
        assertThat(calls).isLessThanOrEqualTo(5);     // 20 entries, 6 per call: every entry seen within 4 calls
        for (int i = 0; i < 20; i++) {
            assertThat(store.get(triplet(i)).isPresent()).as("entry %d", i).isEqualTo(i % 2 == 1);
        }
        assertThat(store.purgeExpired(NOW, 100)).isZero();
    }

    @Test
    void purgeOfAnEmptyStoreDeletesNothing() {
        assertThat(store.purgeExpired(NOW, 10)).isZero();
        assertThat(store.purgeExpired(NOW, 10)).isZero();
    }

    @Test
    void purgeRejectsANonPositiveBound() {
        assertThatThrownBy(() -> store.purgeExpired(NOW, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEntries must be positive, not 0");
    }

    @Test
    void closedStoreRefusesCallsAndClosesOnce() {
        store.close();
        store.close();
        for (Runnable call : List.<Runnable>of(() -> store.get(triplet(1)),
                () -> store.put(triplet(1), new GreylistEntry.Passed(NOW)),
                () -> store.purgeExpired(NOW, 1))) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class)
                    .hasMessage("greylist store is closed");
        }
    }
}
