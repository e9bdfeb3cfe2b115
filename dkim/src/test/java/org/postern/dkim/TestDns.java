package org.postern.dkim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/** A loopback DNS server with the manifest's key records plus a test's own, and a resolver asking it. */
final class TestDns implements AutoCloseable {

    final LoopbackDnsServer server;
    final DnsResolver resolver;

    private TestDns(LoopbackDnsServer server, DnsResolver resolver) {
        this.server = server;
        this.resolver = resolver;
    }

    /** Serves the manifest's {@code dns} map and whatever {@code extra} adds. */
    static TestDns start(Consumer<DnsZone.Builder> extra) {
        DnsZone.Builder zone = DnsZone.builder();
        try {
            JsonNode dns = new ObjectMapper().readTree(TestKeys.DATA.resolve("manifest.json").toFile()).get("dns");
            for (Map.Entry<String, JsonNode> e : dns.properties()) {
                zone.txt(e.getKey(), DkimVectorsTest.split255(e.getValue().asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        extra.accept(zone);
        LoopbackDnsServer server = LoopbackDnsServer.start(zone.build());
        return new TestDns(server, DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address()))));
    }

    @Override
    public void close() {
        resolver.close();
        server.close();
    }
}
