package org.postern.dns;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when told, so cache-expiry tests advance time instead of sleeping. Thread-safe. */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
