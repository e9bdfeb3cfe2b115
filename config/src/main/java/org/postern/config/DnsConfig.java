package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.time.Duration;
import java.util.List;

/**
 * The DNS resolver the checks share (blocklists, SPF, later DKIM and DMARC). YAML key {@code dns}. A null component
 * means its default.
 *
 * @param servers         recursive name servers as {@code IP:port} (an IP literal, never a name: resolving the
 *                        resolver would need DNS); empty (the default) means the {@code nameserver} lines of
 *                        /etc/resolv.conf. Blocklists such as Spamhaus refuse queries from public resolvers, so point
 *                        this at a local resolver (unbound, systemd-resolved) on a mail server.
 * @param timeout         how long one try waits for an answer; 10ms..30s, default 2s
 * @param retries         further tries after a timeout; 0..5, default 1
 * @param cacheMaxEntries answers kept in the cache (positive and negative); 0..10000000, default 100000
 * @param maxTtl          the longest an answer is cached, whatever its TTL; 1s..7d, default 1d
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record DnsConfig(List<HostPort> servers, Duration timeout, int retries, int cacheMaxEntries, Duration maxTtl) {

    static final DnsConfig DEFAULTS = new DnsConfig(null, null, 1, 100_000, null);

    public DnsConfig {
        servers = Checks.listOf("servers", orDefault(servers, List.of()));
        for (int i = 0; i < servers.size(); i++) {
            if (IpLiteral.parse(servers.get(i).host()).isEmpty()) {
                throw new InvalidValueException(List.of("servers", i), "must be an IP address with a port"
                        + " such as 127.0.0.1:53, not the name " + Checks.quote(servers.get(i).host()),
                        List.of("servers", i), false);
            }
        }
        timeout = between("timeout", orDefault(timeout, Duration.ofSeconds(2)), Duration.ofMillis(10),
                Duration.ofSeconds(30));
        between("retries", retries, 0, 5);
        between("cache_max_entries", cacheMaxEntries, 0, 10_000_000);
        maxTtl = between("max_ttl", orDefault(maxTtl, Duration.ofDays(1)), Duration.ofSeconds(1), Duration.ofDays(7));
    }
}
