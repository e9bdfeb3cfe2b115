package org.postern.bench;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.LoopbackDnsServer;
import org.postern.rbl.NameKind;
import org.postern.rbl.RblChecker;
import org.postern.rbl.RblList;
import org.postern.rbl.RblOutcome;
import org.postern.rbl.ReturnCodeRule;
import org.postern.spf.SpfEvaluator;
import org.postern.spf.SpfLimits;
import org.postern.spf.SpfQuery;
import org.postern.spf.SpfResult;

/**
 * One SPF evaluation and one blocklist check with a warm DNS cache: what the hot path costs once the answers are
 * cached, which is the common case for repeat senders (issue #3). The zones are served by the loopback DNS server on
 * 127.0.0.1, and every answer is fetched once in setup, so the measured operations send no packet (checked).
 *
 * <ul>
 *   <li>{@code spfEvaluation}: a realistic record, {@code include} + {@code mx} + {@code a} + {@code ip4}, with the
 *       client matching in the include (5 lookups from the cache, the record parses from the parse cache).</li>
 *   <li>{@code rblCheckIp}: three lists asked about one IPv4 client, one listing it (zen-style codes).</li>
 *   <li>{@code rblCheckName}: one RHSBL list asked about a sender domain that is not listed.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DnsChecksBenchmark {

    private static final String ZONE = """
            example.test.            TXT  "v=spf1 include:_spf.example.test mx a:web.example.test ip4:198.51.100.0/24 -all"
            _spf.example.test.       TXT  "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 ~all"
            example.test.            MX   10 mx1.example.test.
            example.test.            MX   20 mx2.example.test.
            mx1.example.test.        A    192.0.2.25
            mx2.example.test.        A    192.0.2.26
            web.example.test.        A    192.0.2.80
            10.2.0.192.zen.test.     A    127.0.0.2
            10.2.0.192.zen.test.     A    127.0.0.4
            """;

    private LoopbackDnsServer server;
    private DnsResolver dns;
    private SpfEvaluator spf;
    private SpfQuery spfQuery;
    private RblChecker rbl;
    private InetAddress client;
    private long queriesAfterWarmup;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = LoopbackDnsServer.start(ZONE);
        dns = DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address())));
        spf = SpfEvaluator.create(dns, SpfLimits.defaults());
        spfQuery = new SpfQuery(InetAddress.getByName("203.0.113.7"), "mail.example.test", "alice@example.test",
                "mx.postern.test");
        List<ReturnCodeRule> zen = List.of(ReturnCodeRule.parse("RBL_ZEN_SBL", "127.0.0.2-127.0.0.3"),
                ReturnCodeRule.parse("RBL_ZEN_XBL", "127.0.0.4-127.0.0.7"));
        rbl = RblChecker.create(dns, List.of(
                new RblList("zen", "zen.test", Optional.empty(), true, Set.of(), zen, Optional.empty()),
                new RblList("bl2", "bl2.test", Optional.empty(), true, Set.of(), zen, Optional.empty()),
                new RblList("bl3", "bl3.test", Optional.empty(), true, Set.of(NameKind.SENDER_DOMAIN), zen,
                        Optional.empty())));
        client = InetAddress.getByName("192.0.2.10");
        // Warm the cache, and check the answers are what the benchmark claims to measure.
        SpfResult result = spfEvaluation();
        if (!result.keyword().equals("pass")) {
            throw new IllegalStateException("SPF warm-up gave " + result.keyword() + ", expected pass");
        }
        List<RblOutcome> outcomes = rblCheckIp();
        if (outcomes.stream().filter(o -> o.kind() == RblOutcome.Kind.LISTED).count() != 1) {
            throw new IllegalStateException("RBL warm-up gave " + outcomes);
        }
        rblCheckName();
        queriesAfterWarmup = server.queriesReceived();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long sent = server.queriesReceived() - queriesAfterWarmup;
        dns.close();
        server.close();
        if (sent != 0) {
            throw new IllegalStateException(sent + " DNS queries were sent while measuring: the cache was not warm");
        }
    }

    @Benchmark
    public SpfResult spfEvaluation() {
        return spf.evaluate(spfQuery).toCompletableFuture().join();
    }

    @Benchmark
    public List<RblOutcome> rblCheckIp() {
        return rbl.checkIp(client).toCompletableFuture().join();
    }

    @Benchmark
    public List<RblOutcome> rblCheckName() {
        return rbl.checkName("example.test", NameKind.SENDER_DOMAIN).toCompletableFuture().join();
    }
}
