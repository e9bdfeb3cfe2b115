package org.postern.greylist;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where greylisting state lives: typed entries by typed key, each with its own expiry. Implementations:
 * {@link LmdbGreylistStore} (on disk, survives restarts and crashes, shared by processes) and {@link
 * InMemoryGreylistStore} (tests). A Redis store for several MX hosts would implement the same interface.
 *
 * <p>A store stores; it does not decide. {@link #get} returns expired entries too, and only {@link #purgeExpired}
 * looks at the time. Making a read-decide-write sequence atomic is the caller's job ({@link Greylister} serializes
 * its writes); a store only promises that each call is atomic and, once it returns, durable as far as the store
 * is durable.
 *
 * <p>Implementations are thread-safe. Every method may throw {@link GreylistStoreException} when the environment
 * fails (disk full), and {@link IllegalStateException} after {@link #close()}. No method accepts or returns null.
 */
public interface GreylistStore extends AutoCloseable {

    /** The entry stored under {@code key}, expired or not; empty if there is none. */
    Optional<GreylistEntry> get(GreylistKey key);

    /**
     * Stores every entry of {@code puts} (replacing what was there) and deletes every key of {@code deletes}, all or
     * nothing: one transaction in {@link LmdbGreylistStore}.
     *
     * @throws IllegalArgumentException if a key is in both
     */
    void update(Map<GreylistKey, GreylistEntry> puts, Set<GreylistKey> deletes);

    /** Stores {@code entry} under {@code key}, replacing what was there. */
    default void put(GreylistKey key, GreylistEntry entry) {
        update(Map.of(key, entry), Set.of());
    }

    /** Deletes the entry of {@code key}, if any. */
    default void delete(GreylistKey key) {
        update(Map.of(), Set.of(key));
    }

    /**
     * Looks at up to {@code maxEntries} entries, continuing where the previous call of this store object stopped
     * and wrapping around at the end, and deletes those not live at {@code now}. Bounded work, so a caller can run
     * it periodically without stalling writers; repeated calls visit every entry.
     *
     * @param maxEntries how many entries to look at, positive
     * @return how many entries were deleted
     * @throws IllegalArgumentException if {@code maxEntries} is not positive
     */
    int purgeExpired(Instant now, int maxEntries);

    /** Releases the store. Idempotent. Calls still running when it is called finish first. */
    @Override
    void close();
}
