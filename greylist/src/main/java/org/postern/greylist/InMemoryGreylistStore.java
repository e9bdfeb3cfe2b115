package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link GreylistStore} in a map on the heap: for tests, and for trying greylisting without a state directory.
 * Nothing survives the process and nothing bounds its size except {@link #purgeExpired}.
 *
 * <p>Thread-safe: every method holds the store's monitor, so {@link #update} is atomic as in LMDB.
 */
public final class InMemoryGreylistStore implements GreylistStore {

    /** Insertion order is the purge order: a purge moves the entries it keeps to the end. */
    private final LinkedHashMap<GreylistKey, GreylistEntry> entries = new LinkedHashMap<>();
    private boolean closed;

    /** An empty store. */
    public InMemoryGreylistStore() {
    }

    @Override
    public synchronized Optional<GreylistEntry> get(GreylistKey key) {
        requireNonNull(key, "key");
        checkOpen();
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized void update(Map<GreylistKey, GreylistEntry> puts, Set<GreylistKey> deletes) {
        requireNonNull(puts, "puts");
        requireNonNull(deletes, "deletes");
        checkOpen();
        for (GreylistKey key : deletes) {
            if (puts.containsKey(key)) {
                throw new IllegalArgumentException("key both put and deleted: " + key);
            }
        }
        puts.forEach((key, entry) -> entries.put(requireNonNull(key, "key"), requireNonNull(entry, "entry")));
        deletes.forEach(entries::remove);
    }

    @Override
    public synchronized int purgeExpired(Instant now, int maxEntries) {
        requireNonNull(now, "now");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, not " + maxEntries);
        }
        checkOpen();
        int deleted = 0;
        List<Map.Entry<GreylistKey, GreylistEntry>> kept = new ArrayList<>();
        Iterator<Map.Entry<GreylistKey, GreylistEntry>> it = entries.entrySet().iterator();
        for (int examined = 0; examined < maxEntries && it.hasNext(); examined++) {
            Map.Entry<GreylistKey, GreylistEntry> next = it.next();
            Map.Entry<GreylistKey, GreylistEntry> e = Map.entry(next.getKey(), next.getValue());
            it.remove();
            if (e.getValue().isLiveAt(now)) {
                kept.add(e);
            } else {
                deleted++;
            }
        }
        kept.forEach(e -> entries.put(e.getKey(), e.getValue()));
        return deleted;
    }

    /** How many entries the store holds, expired ones included. */
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        entries.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("greylist store is closed");
        }
    }
}
