package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsType;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/** The evaluator end to end over the loopback DNS server: what the result records carry, limits, time. */
class SpfEvaluatorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private LoopbackDnsServer server;
    private DnsResolver resolver;

    @AfterEach
    void stop() {
        if (resolver != null) {
            resolver.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private SpfEvaluator evaluator(String zone, SpfLimits limits, Duration dnsTimeout) {
        server = LoopbackDnsServer.start(zone);
        resolver = DnsResolver.create(new DnsResolverSettings(List.of(server.address()), dnsTimeout, 0, 1000,
                Duration.ofDays(1), Duration.ofMinutes(5), Ticker.systemTicker()));
        return SpfEvaluator.create(resolver, limits, CLOCK);
    }

    private SpfEvaluator evaluator(String zone) {
        return evaluator(zone, SpfLimits.defaults(), Duration.ofSeconds(2));
    }

    private static SpfQuery query(String ip, String helo, String sender) throws Exception {
        return new SpfQuery(InetAddress.getByName(ip), helo, sender, "mx.receiver.example");
    }

    private static SpfResult await(java.util.concurrent.CompletionStage<SpfResult> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void passNamesTheDirectiveThatMatched() throws Exception {
        SpfEvaluator spf = evaluator("example.org. TXT \"v=spf1 -ip4:192.0.2.66 ip4:192.0.2.0/24 -all\"\n");
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "mail.example.org", "alice@example.org")));
        assertThat(result).isEqualTo(new SpfResult.Pass(SpfIdentity.MAILFROM, "example.org", "ip4:192.0.2.0/24"));
        assertThat(result.reason()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(await(spf.evaluate(query("192.0.2.66", "mail.example.org", "<alice@example.org>"))))
                .isEqualTo(new SpfResult.Fail(SpfIdentity.MAILFROM, "example.org", "-ip4:192.0.2.66", Optional.empty()));
    }

    @Test
    void failCarriesTheExpandedExplanation() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org.      TXT "v=spf1 -all exp=why.%{d}"
                why.example.org.  TXT "%{c} may not send for %{o} (%{l}); asked by %{r} at %{t}"
                """);
        SpfResult result = await(spf.evaluate(query("2001:db8::1", "h.example.net", "bob@example.org")));
        assertThat(result.keyword()).isEqualTo("fail");
        assertThat(result.explanation()).contains(
                "2001:db8::1 may not send for example.org (bob); asked by mx.receiver.example at 1700000000");
    }

    @Test
    void includeDecidesWithItsOwnQualifier() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org.       TXT "v=spf1 ~include:_spf.example.net -all"
                _spf.example.net.  TXT "v=spf1 ip4:192.0.2.0/24 -all exp=never.example.net"
                never.example.net. TXT "not used: exp of an included record"
                """);
        assertThat(await(spf.evaluate(query("192.0.2.9", "h.example.net", "a@example.org"))))
                .isEqualTo(new SpfResult.SoftFail(SpfIdentity.MAILFROM, "example.org", "~include:_spf.example.net"));
        assertThat(await(spf.evaluate(query("198.51.100.1", "h.example.net", "a@example.org"))))
                .isEqualTo(new SpfResult.Fail(SpfIdentity.MAILFROM, "example.org", "-all", Optional.empty()));
    }

    @Test
    void nullSenderIsPostmasterAtTheHeloName() throws Exception {
        SpfEvaluator spf = evaluator("""
                mail.example.org.      TXT "v=spf1 -all exp=why.example.org"
                why.example.org.       TXT "%{s} %{l} %{o} %{d} %{h}"
                """);
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "mail.example.org", "")));
        assertThat(result.identity()).isEqualTo(SpfIdentity.MAILFROM);
        assertThat(result.domain()).isEqualTo("mail.example.org");
        assertThat(result.explanation()).contains(
                "postmaster@mail.example.org postmaster mail.example.org mail.example.org mail.example.org");
        // RFC 7208 §4.3: no local-part means "postmaster".
        assertThat(await(spf.evaluate(query("192.0.2.1", "x.example.net", "@mail.example.org"))).explanation())
                .contains("postmaster@mail.example.org postmaster mail.example.org mail.example.org x.example.net");
    }

    @Test
    void heloIdentityChecksTheHeloName() throws Exception {
        SpfEvaluator spf = evaluator("""
                mail.example.org.  TXT "v=spf1 a -all"
                mail.example.org.  A   192.0.2.7
                example.org.       TXT "v=spf1 -all"
                """);
        SpfResult helo = await(spf.evaluateHelo(query("192.0.2.7", "mail.example.org", "a@example.org")));
        assertThat(helo).isEqualTo(new SpfResult.Pass(SpfIdentity.HELO, "mail.example.org", "a"));
        SpfResult literal = await(spf.evaluateHelo(query("192.0.2.7", "[192.0.2.7]", "a@example.org")));
        assertThat(literal.keyword()).isEqualTo("none");
        assertThat(literal.identity()).isEqualTo(SpfIdentity.HELO);
    }

    @Test
    void noRecordIsNoneAndBrokenRecordIsPermError() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org.   TXT "google-site-verification=abc"
                broken.org.    TXT "v=spf1 a:museum -all"
                """);
        SpfResult none = await(spf.evaluate(query("192.0.2.1", "h", "a@example.org")));
        assertThat(none).isEqualTo(new SpfResult.None(SpfIdentity.MAILFROM, "example.org",
                "no SPF record at example.org"));
        SpfResult broken = await(spf.evaluate(query("192.0.2.1", "h", "a@broken.org")));
        assertThat(broken.keyword()).isEqualTo("permerror");
        assertThat(broken.problem()).hasValueSatisfying(p -> assertThat(p).contains("museum"));
    }

    @Test
    void dnsFailureIsTempError() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org.      TXT "v=spf1 include:flaky.example.net -all"
                flaky.example.net. SERVFAIL
                """);
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "h", "a@example.org")));
        assertThat(result.keyword()).isEqualTo("temperror");
        assertThat(result.reason()).contains("SERVFAIL");
    }

    @Test
    void overallTimeoutIsTempError() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org.      TXT "v=spf1 a:slow.example.net -all"
                slow.example.net. TIMEOUT
                """, new SpfLimits(10, 2, 10, 10, Duration.ofMillis(200)), Duration.ofSeconds(5));
        long start = System.nanoTime();
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "h", "a@example.org")));
        assertThat(result).isEqualTo(new SpfResult.TempError(SpfIdentity.MAILFROM, "example.org",
                "SPF evaluation took longer than 200 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void abandonedEvaluationSendsNoMoreQueries() throws Exception {
        evaluator("example.org. A 192.0.2.1\n");
        Evaluation evaluation = new Evaluation(resolver, SpfLimits.defaults(), CLOCK, SpfRecord::parse,
                query("192.0.2.1", "h", "a@example.org"), "a", "example.org");
        evaluation.abandon();
        DnsAnswer answer = evaluation.lookup("example.org", DnsType.A).toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertThat(answer.isFailure()).isTrue();
        assertThat(server.queriesReceived()).isZero();
    }

    @Test
    void termLimitIsConfigurable() throws Exception {
        SpfEvaluator spf = evaluator("""
                example.org. TXT "v=spf1 a mx a ip4:192.0.2.1"
                example.org. A   198.51.100.1
                example.org. MX  10 example.org.
                """, new SpfLimits(2, 2, 10, 10, Duration.ofSeconds(20)), Duration.ofSeconds(2));
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "h", "a@example.org")));
        assertThat(result.keyword()).isEqualTo("permerror");
        assertThat(result.reason()).isEqualTo("more than 2 DNS-querying terms (at a)");
    }

    @Test
    void manyTermsWithoutDnsRunInOneFrame() throws Exception {
        // About 28 KB of record, over TCP: the loopback server truncates UDP answers over 512 bytes.
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 0; i < 2000; i++) {
            record.append(" ip4:10.").append(i / 250).append('.').append(i % 250).append(".1");
        }
        record.append(" ip4:192.0.2.1 -all");
        List<String> strings = new ArrayList<>();
        for (int at = 0; at < record.length(); at += 255) {
            strings.add('"' + record.substring(at, Math.min(record.length(), at + 255)) + '"');
        }
        SpfEvaluator spf = evaluator("example.org. TXT " + String.join(" ", strings) + "\n");
        SpfResult result = await(spf.evaluate(query("192.0.2.1", "h", "a@example.org")));
        assertThat(result).isEqualTo(new SpfResult.Pass(SpfIdentity.MAILFROM, "example.org", "ip4:192.0.2.1"));
        assertThat(record.toString().getBytes(StandardCharsets.US_ASCII).length).isGreaterThan(20_000);
    }
}
