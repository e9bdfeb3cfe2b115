package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsAnswer.Failure;
import org.postern.dns.DnsAnswer.FailureKind;
import org.postern.dns.DnsAnswer.NoData;
import org.postern.dns.DnsAnswer.NxDomain;
import org.postern.dns.DnsAnswer.Records;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

class DnsResolverTest {

    private static final String ZONE = """
            example.org.        3600 SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 60
            example.org.         300 TXT "v=spf1 ip4:192.0.2.0/24 -all"
            example.org.             TXT "part one" "part two"
            example.org.             MX  20 MX2.Example.Org.
            example.org.             MX  10 mx.example.org.
            example.org.             NS  ns.example.org.
            mx.example.org.          A   192.0.2.25
            mx.example.org.          A   192.0.2.26
            v6.example.org.          AAAA 2001:db8::1
            mapped.example.org.      AAAA ::ffff:192.0.2.1
            10.2.0.192.in-addr.arpa. PTR mail.example.org.
            old.example.org.         SPF "v=spf1 -all"
            raw.example.org.         TXT "\\x80a:example.net \\x96all" "caf\u00e9"
            www.example.org.     100 CNAME web.example.org.
            web.example.org.      50 CNAME mx.example.org.
            loop1.example.org.       CNAME loop2.example.org.
            loop2.example.org.       CNAME loop1.example.org.
            slow.example.org.        TIMEOUT
            flaky.example.org.       SERVFAIL
            short.test.            5 A   192.0.2.5
            long.test.        864000 A   192.0.2.6
            """;

    private final FakeTicker ticker = new FakeTicker();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach void stopEverything() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private LoopbackDnsServer server(String zone) {
        LoopbackDnsServer s = LoopbackDnsServer.start(zone);
        started.add(s);
        return s;
    }

    private DnsResolver resolver(DnsResolverSettings settings) {
        DnsResolver r = DnsResolver.create(settings);
        started.add(r);
        return r;
    }

    private DnsResolver resolver(LoopbackDnsServer server) {
        return resolver(settings(server));
    }

    private DnsResolverSettings settings(LoopbackDnsServer server) {
        return DnsResolverSettings.defaults(List.of(server.address()))
                .withTimeout(Duration.ofMillis(200), 1).withTicker(ticker);
    }

    private static DnsAnswer await(CompletionStage<DnsAnswer> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);   // a literal: no DNS query
    }

    // --- record types ---

    @Test void decodesEveryRecordType() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        assertThat(await(dns.lookup("mx.example.org", DnsType.A)).records()).containsExactlyInAnyOrder(
                new DnsRecord.A(ip("192.0.2.25")), new DnsRecord.A(ip("192.0.2.26")));
        assertThat(await(dns.lookup("v6.example.org", DnsType.AAAA)).records())
                .containsExactly(new DnsRecord.Aaaa(ip("2001:db8::1")));
        assertThat(await(dns.lookup("example.org", DnsType.MX)).records()).containsExactlyInAnyOrder(
                new DnsRecord.Mx(10, "mx.example.org"), new DnsRecord.Mx(20, "mx2.example.org"));
        assertThat(await(dns.lookup("example.org", DnsType.TXT)).records()).containsExactlyInAnyOrder(
                new DnsRecord.Txt(List.of("v=spf1 ip4:192.0.2.0/24 -all")),
                new DnsRecord.Txt(List.of("part one", "part two")));
        assertThat(await(dns.lookup("10.2.0.192.in-addr.arpa", DnsType.PTR)).records())
                .containsExactly(new DnsRecord.Ptr("mail.example.org"));
        assertThat(await(dns.lookup("www.example.org", DnsType.CNAME)).records())
                .containsExactly(new DnsRecord.Cname("web.example.org"));
        assertThat(await(dns.lookup("example.org", DnsType.NS)).records())
                .containsExactly(new DnsRecord.Ns("ns.example.org"));
        assertThat(await(dns.lookup("example.org", DnsType.SOA)).records()).containsExactly(new DnsRecord.Soa(
                "ns.example.org", "hostmaster.example.org", 1, Duration.ofSeconds(3600), Duration.ofSeconds(600),
                Duration.ofSeconds(86400), Duration.ofSeconds(60)));
        assertThat(await(dns.lookup("old.example.org", DnsType.SPF)).records())
                .containsExactly(new DnsRecord.Spf(List.of("v=spf1 -all")));
    }

    @Test void keepsIpv4MappedAaaaAsIpv6() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        DnsRecord.Aaaa aaaa = (DnsRecord.Aaaa) await(dns.lookup("mapped.example.org", DnsType.AAAA)).records().get(0);
        assertThat(aaaa.address()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(aaaa.address().getAddress()).hasSize(16);
    }

    @Test void txtStringsKeepEveryOctetAsIso88591() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        DnsRecord.Txt txt = (DnsRecord.Txt) await(dns.lookup("raw.example.org", DnsType.TXT)).records().get(0);
        assertThat(txt.strings()).containsExactly("\u0080a:example.net \u0096all", "caf\u00c3\u00a9");
        assertThat(txt.strings().get(1).getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo("caf\u00e9".getBytes(StandardCharsets.UTF_8));
        assertThat(txt.joined()).isEqualTo("\u0080a:example.net \u0096allcaf\u00c3\u00a9");
    }

    @Test void namesAreCaseInsensitiveWithOptionalTrailingDotAndShareOneCacheEntry() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        assertThat(await(dns.lookup("MX.Example.ORG.", DnsType.A)).records()).hasSize(2);
        assertThat(await(dns.lookup("mx.example.org", DnsType.A)).records()).hasSize(2);
        assertThat(server.queriesReceived()).isEqualTo(1);
        assertThat(dns.counters().cacheHits()).isEqualTo(1);
    }

    @Test void namesWithAnyOctetAreQueriedAsIs() throws Exception {
        LoopbackDnsServer server = server("");
        server.replaceZone(DnsZone.builder().txt("macro%percent  space%20url-space.example.com", "ok")
                .txt("foo:bar/baz.example.com", "ok2").build());
        DnsResolver dns = resolver(server);
        assertThat(await(dns.lookup("macro%percent  space%20url-space.example.com", DnsType.TXT)).records())
                .containsExactly(new DnsRecord.Txt(List.of("ok")));
        assertThat(await(dns.lookup("foo:bar/baz.example.com", DnsType.TXT)).records())
                .containsExactly(new DnsRecord.Txt(List.of("ok2")));
    }

    @Test void impossibleNamesAreNxdomainWithoutAQuery() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        String label64 = "a".repeat(64);
        String name254 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(62);   // 254 chars: 256 octets on the wire
        for (String bad : List.of("", "..", "a..example.org", ".example.org", label64 + ".example.org", name254,
                "caf\u20ac.example.org")) {
            assertThat(await(dns.lookup(bad, DnsType.A))).as(bad).isEqualTo(new NxDomain(Duration.ZERO));
        }
        assertThat(server.queriesReceived()).isZero();
        String longest = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);   // 253 chars: 255 octets, the limit
        assertThat(await(dns.lookup(longest, DnsType.A))).isInstanceOf(NxDomain.class);
        assertThat(server.queriesReceived()).isEqualTo(1);
    }

    // --- negative answers ---

    @Test void tellsNxdomainFromNodataWithTheSoaNegativeTtl() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        // RFC 2308 §5: min(SOA TTL 3600, MINIMUM 60) = 60 s.
        assertThat(await(dns.lookup("nope.example.org", DnsType.A))).isEqualTo(new NxDomain(Duration.ofSeconds(60)));
        assertThat(await(dns.lookup("example.org", DnsType.AAAA))).isEqualTo(new NoData(Duration.ofSeconds(60)));
        assertThat(await(dns.lookup("org", DnsType.A))).as("empty non-terminal").isInstanceOf(NoData.class);
    }

    @Test void negativeAnswersWithoutSoaUseTheConfiguredNegativeTtl() throws Exception {
        LoopbackDnsServer server = server("$NOSOA\nx.test. A 192.0.2.1");
        DnsResolver dns = resolver(settings(server));
        assertThat(await(dns.lookup("y.test", DnsType.A))).isEqualTo(new NxDomain(Duration.ofMinutes(5)));
        assertThat(await(dns.lookup("x.test", DnsType.TXT))).isEqualTo(new NoData(Duration.ofMinutes(5)));
    }

    @Test void cachesNegativeAnswersUntilTheirTtlRunsOut() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        await(dns.lookup("nope.example.org", DnsType.A));
        await(dns.lookup("example.org", DnsType.AAAA));
        ticker.advance(Duration.ofSeconds(59));
        assertThat(await(dns.lookup("nope.example.org", DnsType.A))).isInstanceOf(NxDomain.class);
        assertThat(await(dns.lookup("example.org", DnsType.AAAA))).isInstanceOf(NoData.class);
        assertThat(server.queriesReceived()).isEqualTo(2);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(await(dns.lookup("nope.example.org", DnsType.A))).isInstanceOf(NxDomain.class);
        assertThat(await(dns.lookup("example.org", DnsType.AAAA))).isInstanceOf(NoData.class);
        assertThat(server.queriesReceived()).isEqualTo(4);
    }

    // --- positive caching ---

    @Test void cachesRecordsUntilTheSmallestTtlRunsOut() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        assertThat(await(dns.lookup("short.test", DnsType.A)).ttl()).isEqualTo(Duration.ofSeconds(5));
        ticker.advance(Duration.ofSeconds(4));
        await(dns.lookup("short.test", DnsType.A));
        assertThat(server.queriesReceived()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(1));
        await(dns.lookup("short.test", DnsType.A));
        assertThat(server.queriesReceived()).isEqualTo(2);
    }

    @Test void capsTtlAtMaxTtl() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(settings(server));
        assertThat(await(dns.lookup("long.test", DnsType.A)).ttl()).isEqualTo(Duration.ofDays(1));
        ticker.advance(Duration.ofDays(1));
        await(dns.lookup("long.test", DnsType.A));
        assertThat(server.queriesReceived()).isEqualTo(2);
    }

    @Test void boundsTheCache() throws Exception {
        LoopbackDnsServer server = server("");
        DnsZone.Builder zone = DnsZone.builder();
        for (int i = 0; i < 50; i++) {
            zone.add("h" + i + ".test", "A", "192.0.2." + i);
        }
        server.replaceZone(zone.build());
        DnsResolverSettings s = settings(server);
        DnsResolver dns = resolver(new DnsResolverSettings(s.servers(), s.timeout(), s.retries(), 10, s.maxTtl(),
                s.negativeTtl(), ticker));
        for (int i = 0; i < 50; i++) {
            assertThat(await(dns.lookup("h" + i + ".test", DnsType.A))).isInstanceOf(Records.class);
        }
        assertThat(dns.cacheSize()).isLessThanOrEqualTo(10);
    }

    @Test void concurrentIdenticalLookupsShareOneQuery() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<DnsAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return dns.lookup("example.org", DnsType.MX).toCompletableFuture();
                }, callers).thenCompose(f -> f));
            }
            go.countDown();
            for (CompletableFuture<DnsAnswer> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS).records()).hasSize(2);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(server.queriesReceived()).isEqualTo(1);
        assertThat(dns.counters()).isEqualTo(new DnsCounters(1, 63, 0, 0));
    }

    @Test void returnedStagesCannotPoisonTheCache() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        await(dns.lookup("mx.example.org", DnsType.A));
        CompletableFuture<DnsAnswer> mine = dns.lookup("mx.example.org", DnsType.A).toCompletableFuture();
        mine.obtrudeValue(new NxDomain(Duration.ZERO));
        assertThat(await(dns.lookup("mx.example.org", DnsType.A))).isInstanceOf(Records.class);
    }

    // --- failures ---

    @Test void timesOutAfterEveryTryAndDoesNotCacheTheFailure() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);   // 200 ms per try, 1 retry
        DnsAnswer answer = await(dns.lookup("slow.example.org", DnsType.TXT));
        assertThat(answer).isInstanceOf(Failure.class);
        assertThat(((Failure) answer).kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(answer.isFailure()).isTrue();
        assertThat(answer.ttl()).isZero();
        assertThat(server.queriesReceived()).isEqualTo(2);
        assertThat(dns.counters()).isEqualTo(new DnsCounters(2, 0, 2, 1));
        assertThat(((Failure) await(dns.lookup("slow.example.org", DnsType.TXT))).kind())
                .isEqualTo(FailureKind.TIMEOUT);
        assertThat(server.queriesReceived()).as("failures are not cached").isEqualTo(4);
    }

    @Test void servfailIsAFailureThatIsNotCachedNorRetriedOnTheSameServer() throws Exception {
        LoopbackDnsServer server = server(ZONE);
        DnsResolver dns = resolver(server);
        assertThat(((Failure) await(dns.lookup("flaky.example.org", DnsType.A))).kind())
                .isEqualTo(FailureKind.SERVFAIL);
        assertThat(server.queriesReceived()).isEqualTo(1);
        server.replaceZone(DnsZone.parse("flaky.example.org. A 192.0.2.27"));
        assertThat(await(dns.lookup("flaky.example.org", DnsType.A)).records())
                .containsExactly(new DnsRecord.A(ip("192.0.2.27")));
        assertThat(dns.counters().failures()).isEqualTo(1);
    }

    @Test void movesToTheNextServerWhenOneFails() throws Exception {
        LoopbackDnsServer broken = server("example.org. SERVFAIL");
        LoopbackDnsServer good = server(ZONE);
        DnsResolverSettings s = DnsResolverSettings.defaults(List.of(broken.address(), good.address()))
                .withTimeout(Duration.ofMillis(200), 1).withTicker(ticker);
        DnsResolver dns = resolver(s);
        assertThat(await(dns.lookup("example.org", DnsType.MX)).records()).hasSize(2);
        assertThat(broken.queriesReceived()).isEqualTo(1);
        assertThat(good.queriesReceived()).isEqualTo(1);
    }

    @Test void retriesOnTheNextServerAfterATimeout() throws Exception {
        LoopbackDnsServer silent = server("example.org. TIMEOUT");
        LoopbackDnsServer good = server(ZONE);
        DnsResolverSettings s = DnsResolverSettings.defaults(List.of(silent.address(), good.address()))
                .withTimeout(Duration.ofMillis(200), 1).withTicker(ticker);
        DnsResolver dns = resolver(s);
        assertThat(await(dns.lookup("example.org", DnsType.MX)).records()).hasSize(2);
        assertThat(dns.counters()).isEqualTo(new DnsCounters(2, 0, 1, 0));
    }

    @Test void fallsBackToTcpForATruncatedDkimSizedTxt() throws Exception {
        // A 4096-bit RSA key in a DKIM record (RFC 6376 §3.6.1) is ~740 octets of base64: three character-strings.
        String base64 = randomBase64(736);
        String record = "v=DKIM1; k=rsa; p=" + base64;
        List<String> strings = List.of(record.substring(0, 255), record.substring(255, 510), record.substring(510));
        LoopbackDnsServer server = server("");
        server.replaceZone(DnsZone.builder().txt("sel._domainkey.example.org", strings.toArray(String[]::new)).build());
        DnsResolver dns = resolver(server);
        DnsAnswer answer = await(dns.lookup("sel._domainkey.example.org", DnsType.TXT));
        assertThat(answer.records()).containsExactly(new DnsRecord.Txt(strings));
        assertThat(((DnsRecord.Txt) answer.records().get(0)).joined()).isEqualTo(record);
        assertThat(server.queriesReceived()).as("truncated over UDP, then TCP").isEqualTo(2);
        assertThat(dns.counters().queries()).isEqualTo(1);
    }

    // --- CNAME chains ---

    @Test void followsACnameChainAndTakesTheSmallestTtl() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        DnsAnswer answer = await(dns.lookup("www.example.org", DnsType.A));
        assertThat(answer.records()).containsExactlyInAnyOrder(
                new DnsRecord.A(ip("192.0.2.25")), new DnsRecord.A(ip("192.0.2.26")));
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(50));
        assertThat(await(dns.lookup("www.example.org", DnsType.TXT))).as("NODATA at the chain's end")
                .isEqualTo(new NoData(Duration.ofSeconds(50)));
    }

    @Test void followsACnameTheServerDidNotChase() throws Exception {
        LoopbackDnsServer server = server("$NOCHASE\n" + ZONE);
        DnsResolver dns = resolver(server);
        DnsAnswer answer = await(dns.lookup("www.example.org", DnsType.A));
        assertThat(answer.records()).hasSize(2);
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(50));
        assertThat(server.queriesReceived()).isEqualTo(3);
        assertThat(dns.counters().queries()).isEqualTo(3);
    }

    @Test void aCnameLoopIsAFailure() throws Exception {
        DnsResolver chasing = resolver(server(ZONE));
        assertThat(((Failure) await(chasing.lookup("loop1.example.org", DnsType.A))).kind())
                .as("a recursive server answers a loop with SERVFAIL").isEqualTo(FailureKind.SERVFAIL);
        DnsResolver nonChasing = resolver(server("$NOCHASE\n" + ZONE));
        assertThat(((Failure) await(nonChasing.lookup("loop1.example.org", DnsType.A))).kind())
                .isEqualTo(FailureKind.CNAME_LOOP);
        assertThat(nonChasing.counters()).as("two queries, one failed lookup").isEqualTo(new DnsCounters(2, 0, 0, 1));
    }

    @Test void aLoopInsideOneAnswerIsACnameLoop() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        Name a = Name.fromString("a.test.");
        Name b = Name.fromString("b.test.");
        Message m = Message.newQuery(Record.newRecord(a, org.xbill.DNS.Type.A, DClass.IN));
        m.addRecord(new CNAMERecord(a, DClass.IN, 60, b), Section.ANSWER);
        m.addRecord(new CNAMERecord(b, DClass.IN, 60, a), Section.ANSWER);
        Set<Name> visited = new HashSet<>(Set.of(a));
        DnsAnswer answer = dns.interpret(new DnsResolver.DnsQuestion(a, DnsType.A), m, visited).get();
        assertThat(((Failure) answer).kind()).isEqualTo(FailureKind.CNAME_LOOP);
    }

    // --- lifecycle and configuration ---

    @Test void lookupsAfterCloseFailAtOnce() throws Exception {
        DnsResolver dns = resolver(server(ZONE));
        dns.close();
        DnsAnswer answer = await(dns.lookup("example.org", DnsType.MX));
        assertThat(((Failure) answer).kind()).isEqualTo(FailureKind.OTHER);
    }

    @Test void parsesNameserverLinesOfResolvConf() throws Exception {
        assertThat(ResolvConf.parse(List.of(
                "# generated", "search example.org", "nameserver 192.0.2.53", "nameserver   2001:db8::53  ",
                "nameserver fe80::1%eth0", "nameserver dns.example.org", "options edns0", "nameserver")))
                .containsExactly(new InetSocketAddress(ip("192.0.2.53"), 53), new InetSocketAddress(ip("2001:db8::53"), 53),
                        new InetSocketAddress(ip("fe80::1"), 53));
        assertThat(ResolvConf.read(java.nio.file.Path.of("/nonexistent/resolv.conf"))).isEmpty();
    }

    @Test void settingsRefuseNonsense() {
        List<InetSocketAddress> one = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
        DnsResolverSettings d = DnsResolverSettings.defaults(one);
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.retries()).isEqualTo(1);
        assertThat(d.cacheMaxEntries()).isEqualTo(100_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsResolverSettings.defaults(List.of()))
                .hasMessageStartingWith("servers must not be empty");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.withTimeout(Duration.ZERO, 1))
                .hasMessage("timeout must be positive: PT0S");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.withTimeout(Duration.ofSeconds(1), -1))
                .hasMessage("retries must not be negative: -1");
    }

    private static String randomBase64(int length) {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
