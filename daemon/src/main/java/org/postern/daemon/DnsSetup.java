package org.postern.daemon;

import java.net.InetSocketAddress;
import java.util.List;
import org.postern.config.DnsConfig;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;

/** The shared resolver from {@code dns:}: the configured servers, or those of /etc/resolv.conf. */
public final class DnsSetup {
    private DnsSetup() {}

    /**
     * A resolver for {@code config}; the caller closes it.
     *
     * @throws IllegalArgumentException when no server is configured and /etc/resolv.conf names none
     */
    public static DnsResolver resolver(DnsConfig config) {
        List<InetSocketAddress> servers = config.servers().isEmpty()
                ? DnsResolver.systemServers()
                : config.servers().stream().map(s -> new InetSocketAddress(s.host(), s.port())).toList();
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("dns.servers is empty and /etc/resolv.conf names no nameserver;"
                    + " configure dns.servers, e.g. [\"127.0.0.1:53\"]");
        }
        return resolver(config, servers);
    }

    /** A resolver with the settings of {@code config} that asks {@code servers}; the caller closes it. */
    public static DnsResolver resolver(DnsConfig config, List<InetSocketAddress> servers) {
        DnsResolverSettings d = DnsResolverSettings.defaults(servers);
        return DnsResolver.create(new DnsResolverSettings(servers, config.timeout(), config.retries(),
                config.cacheMaxEntries(), config.maxTtl(), d.negativeTtl(), d.ticker()));
    }
}
