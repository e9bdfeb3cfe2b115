package org.postern.dns;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link DnsResolver} queries and caches.
 *
 * @param servers         recursive resolvers to ask, in order; tries rotate through them (not empty)
 * @param timeout         how long one try waits for an answer (positive)
 * @param retries         how many tries follow the first after a timeout or network error, so a lookup that never
 *                        gets an answer ends after about {@code timeout * (retries + 1)} (at least 0)
 * @param cacheMaxEntries bound on cached answers (Caffeine size-based eviction; 0 disables caching)
 * @param maxTtl          upper bound on how long any answer is cached, whatever its TTL
 * @param negativeTtl     how long NXDOMAIN/NODATA answers that carry no SOA are cached (RFC 2308 §5 says such
 *                        answers should not be cached at all; a short value stops a broken server from causing a
 *                        query storm)
 * @param ticker          the clock the cache expires entries by; tests pass a fake one and advance it
 */
public record DnsResolverSettings(List<InetSocketAddress> servers, Duration timeout, int retries,
                                  long cacheMaxEntries, Duration maxTtl, Duration negativeTtl, Ticker ticker) {

    public DnsResolverSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("servers must not be empty: configure dns.servers or /etc/resolv.conf");
        }
        requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
        if (cacheMaxEntries < 0) {
            throw new IllegalArgumentException("cacheMaxEntries must not be negative: " + cacheMaxEntries);
        }
        requireNonNull(maxTtl, "maxTtl");
        if (maxTtl.isNegative()) {
            throw new IllegalArgumentException("maxTtl must not be negative: " + maxTtl);
        }
        requireNonNull(negativeTtl, "negativeTtl");
        if (negativeTtl.isNegative()) {
            throw new IllegalArgumentException("negativeTtl must not be negative: " + negativeTtl);
        }
        requireNonNull(ticker, "ticker");
    }

    /** 2 s per try, 1 retry, 100 000 entries, TTLs capped at 1 day, 5 min for negative answers without SOA. */
    public static DnsResolverSettings defaults(List<InetSocketAddress> servers) {
        return new DnsResolverSettings(servers, Duration.ofSeconds(2), 1, 100_000, Duration.ofDays(1),
                Duration.ofMinutes(5), Ticker.systemTicker());
    }

    /** A copy with another per-try timeout and retry count. */
    public DnsResolverSettings withTimeout(Duration timeout, int retries) {
        return new DnsResolverSettings(servers, timeout, retries, cacheMaxEntries, maxTtl, negativeTtl, ticker);
    }

    /** A copy with another cache clock. */
    public DnsResolverSettings withTicker(Ticker ticker) {
        return new DnsResolverSettings(servers, timeout, retries, cacheMaxEntries, maxTtl, negativeTtl, ticker);
    }
}
