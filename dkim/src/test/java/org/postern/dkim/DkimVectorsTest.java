package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/**
 * The DKIM test vectors ({@code ../shared/testdata/dkim}, manifest.json): 46 messages, 48 signatures, each result
 * must be in the signature's {@code accept} list. The manifest's {@code dns} map is served by the loopback DNS
 * server, the RSA-2048 records as several character-strings. Every message is verified twice: as on the wire (CRLF
 * folds, the body in one piece) and as Postfix hands it over (LF folds, the body in 61-octet chunks that split CRLFs).
 */
class DkimVectorsTest {

    static final Path DATA = Path.of("../../shared/testdata/dkim");

    /** After every t= of the set (2023-11-14) and x= + 1 day, before any certificate of today matters. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static JsonNode manifest;
    private static LoopbackDnsServer server;
    private static DnsResolver resolver;
    private static DkimVerifier verifier;
    private static final AtomicInteger expected = new AtomicInteger();
    private static final AtomicInteger total = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        manifest = new ObjectMapper().readTree(DATA.resolve("manifest.json").toFile());
        DnsZone.Builder zone = DnsZone.builder();
        for (Map.Entry<String, JsonNode> e : manifest.get("dns").properties()) {
            zone.txt(e.getKey(), split255(e.getValue().asText()));
        }
        server = LoopbackDnsServer.start(zone.build());
        resolver = DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address())));
        verifier = DkimVerifier.create(resolver, DkimVerifierSettings.defaults().withClock(CLOCK));
    }

    @AfterAll
    static void printSummary() {
        System.out.println("DKIM vectors: " + expected.get() + " of " + total.get() + " signatures as expected");
        resolver.close();
        server.close();
    }

    /** Character-strings of at most 255 octets (RFC 1035 §3.3.14), cut here independently of DkimKeys. */
    static String[] split255(String record) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 255) {
            parts.add(record.substring(i, Math.min(record.length(), i + 255)));
        }
        return parts.toArray(String[]::new);
    }

    @TestFactory
    Stream<DynamicTest> manifestVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode message : manifest.get("messages")) {
            String file = message.get("file").asText();
            JsonNode signatures = message.get("signatures");
            if (signatures.isEmpty()) {
                tests.add(DynamicTest.dynamicTest(file + " (no signature)", () -> {
                    TestMessage m = TestMessage.read(DATA.resolve(file));
                    assertThat(m.verify(verifier, 1 << 20)).isEmpty();
                }));
            }
            for (int i = 0; i < signatures.size(); i++) {
                int index = i;
                JsonNode sig = signatures.get(i);
                String name = file + " #" + (i + 1) + " " + sig.get("selector").asText() + "._domainkey."
                        + sig.get("domain").asText() + " " + sig.get("a").asText() + " " + sig.get("c").asText()
                        + " expect " + sig.get("expected").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> check(file, signatures.size(), index, sig)));
            }
        }
        return tests.stream();
    }

    private static void check(String file, int count, int index, JsonNode sig) throws Exception {
        total.incrementAndGet();
        List<String> accept = new ArrayList<>();
        sig.get("accept").forEach(a -> accept.add(a.asText()));
        TestMessage wire = TestMessage.read(DATA.resolve(file));
        List<DkimResult> onWire = wire.verify(verifier, Integer.MAX_VALUE);
        List<DkimResult> fromPostfix = wire.withLfFolds().verify(verifier, 61);

        assertThat(onWire).hasSize(count);
        DkimResult result = onWire.get(index);
        assertThat(result.domain()).isEqualTo(sig.get("domain").asText());
        assertThat(result.selector()).isEqualTo(sig.get("selector").asText());
        assertThat(result.keyword()).as(result.authenticationResults()).isIn(accept);
        assertThat(fromPostfix).isEqualTo(onWire);
        System.out.println(file + ": " + result.authenticationResults());
        expected.incrementAndGet();
    }
}
