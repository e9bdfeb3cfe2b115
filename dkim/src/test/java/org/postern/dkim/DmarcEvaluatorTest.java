package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/** RFC 7489 policy discovery, alignment, sampling and author-domain rules against the loopback DNS server. */
class DmarcEvaluatorTest {

    private static LoopbackDnsServer server;
    private static DnsResolver resolver;

    @BeforeAll
    static void start() {
        DnsZone zone = DnsZone.builder()
                .txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com")
                .txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine")
                .txt("_dmarc.monitor.example", "v=DMARC1; p=none")
                .txt("_dmarc.parent.example", "v=DMARC1; p=reject; sp=quarantine")
                .txt("_dmarc.own.parent.example", "v=DMARC1; p=none")
                .txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50")
                .txt("_dmarc.halfq.example", "v=DMARC1; p=quarantine; pct=50")
                .txt("_dmarc.zero.example", "v=DMARC1; p=reject; pct=0")
                .txt("_dmarc.twice.example", "v=DMARC1; p=reject")
                .txt("_dmarc.twice.example", "v=DMARC1; p=none")
                .txt("_dmarc.other.example", "v=spf1 -all")
                .txt("_dmarc.other.example", "google-site-verification=abc")
                .txt("_dmarc.split.example", "v=DMARC1; ", "p=reject")
                .txt("_dmarc.lower.example", "v=dmarc1; p=reject")
                .txt("_dmarc.badp.example", "v=DMARC1; p=block")
                .txt("_dmarc.badprua.example", "v=DMARC1; p=block; rua=mailto:r@badprua.example")
                .txt("_dmarc.badpct.example", "v=DMARC1; p=reject; pct=150")
                .txt("_dmarc.sub.wholeparent.example", "v=DMARC1; p=quarantine")
                .txt("_dmarc.wholeparent.example", "v=DMARC1; p=reject")
                .servfail("_dmarc.broken.example")
                .timeout("_dmarc.silent.example")
                .servfail("_dmarc.brokenorg.example")
                .txt("www.brokenorg.example", "exists")
                .txt("_dmarc.foo.blogspot.com", "v=DMARC1; p=reject")
                .build();
        server = LoopbackDnsServer.start(zone);
        resolver = DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address()))
                .withTimeout(Duration.ofMillis(200), 0));
    }

    @AfterAll
    static void stop() {
        resolver.close();
        server.close();
    }

    // --- pass ---

    @Test
    void passesWithRelaxedDkimAlignment() {
        DmarcResult r = evaluate(from("Alice <alice@example.com>"), none(), List.of("mail.example.com"));
        assertThat(r).isEqualTo(new DmarcResult.Pass("example.com", DmarcPolicy.REJECT, "dkim aligned"));
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=pass (p=reject dis=none) header.from=example.com");
    }

    @Test
    void passesWithStrictDkimAlignmentOnlyForTheExactDomain() {
        assertThat(evaluate(from("a@strict.example"), none(), List.of("STRICT.example")).keyword()).isEqualTo("pass");
        DmarcResult sub = evaluate(from("a@strict.example"), none(), List.of("mail.strict.example"));
        assertThat(sub).isEqualTo(
                new DmarcResult.Fail("strict.example", DmarcPolicy.REJECT, DmarcPolicy.REJECT, "not aligned"));
    }

    @Test
    void passesWithAlignedSpf() {
        DmarcResult r = evaluate(from("a@example.com"), Optional.of("bounces.example.com"), List.of());
        assertThat(r).isEqualTo(new DmarcResult.Pass("example.com", DmarcPolicy.REJECT, "spf aligned"));
        DmarcResult both = evaluate(from("a@example.com"), Optional.of("example.com"), List.of("example.com"));
        assertThat(both.reason()).isEqualTo("dkim and spf aligned");
    }

    @Test
    void strictSpfNeedsTheExactDomain() {
        assertThat(evaluate(from("a@strict.example"), Optional.of("strict.example"), List.of()).keyword())
                .isEqualTo("pass");
        assertThat(evaluate(from("a@strict.example"), Optional.of("bounce.strict.example"), List.of()).keyword())
                .isEqualTo("fail");
    }

    @Test
    void unrelatedIdentifiersDoNotAlign() {
        DmarcResult r = evaluate(from("a@example.com"), Optional.of("example.net"), List.of("example.org", "com"));
        assertThat(r).isEqualTo(
                new DmarcResult.Fail("example.com", DmarcPolicy.REJECT, DmarcPolicy.REJECT, "not aligned"));
        assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=fail (p=reject dis=reject) header.from=example.com");
    }

    // --- fail with each policy ---

    @Test
    void failsWithQuarantine() {
        DmarcResult r = evaluate(from("a@quarantine.example"), none(), List.of());
        assertThat(r.keyword()).isEqualTo("fail");
        assertThat(r.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
    }

    @Test
    void failsWithNone() {
        DmarcResult r = evaluate(from("a@monitor.example"), none(), List.of());
        assertThat(r.keyword()).isEqualTo("fail");
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=fail (p=none dis=none) header.from=monitor.example");
    }

    // --- discovery ---

    @Test
    void subdomainWithoutRecordGetsTheOrganizationalSubdomainPolicy() {
        DmarcResult r = evaluate(from("a@news.parent.example"), none(), List.of());
        assertThat(r).isEqualTo(new DmarcResult.Fail("news.parent.example", DmarcPolicy.QUARANTINE,
                DmarcPolicy.QUARANTINE, "not aligned"));
    }

    @Test
    void organizationalDomainItselfGetsP() {
        assertThat(evaluate(from("a@parent.example"), none(), List.of()).policy()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void subdomainWithItsOwnRecordGetsItsOwnP() {
        assertThat(evaluate(from("a@own.parent.example"), none(), List.of()).policy()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void subdomainFallsBackToTheOrganizationalPWithoutSp() {
        DmarcResult r = evaluate(from("a@deep.sub.example.com"), none(), List.of());
        assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.fromDomain()).contains("deep.sub.example.com");
    }

    @Test
    void recordAtTheAuthorDomainWinsOverTheOrganizationalOne() {
        assertThat(evaluate(from("a@sub.wholeparent.example"), none(), List.of()).policy())
                .isEqualTo(DmarcPolicy.QUARANTINE);
    }

    @Test
    void severalDmarcRecordsMeanNone() {
        DmarcResult r = evaluate(from("a@twice.example"), none(), List.of());
        assertThat(r).isEqualTo(new DmarcResult.None("twice.example", "2 DMARC records"));
        assertThat(r.authenticationResults()).isEqualTo("dmarc=none (2 DMARC records) header.from=twice.example");
    }

    @Test
    void noRecordMeansNone() {
        DmarcResult r = evaluate(from("a@example.net"), none(), List.of());
        assertThat(r).isEqualTo(new DmarcResult.None("example.net", "no DMARC record"));
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=none (no DMARC record) header.from=example.net");
    }

    @Test
    void otherTxtRecordsAreDiscarded() {
        assertThat(evaluate(from("a@other.example"), none(), List.of()).keyword()).isEqualTo("none");
    }

    @Test
    void recordSplitIntoSeveralStringsIsJoined() {
        assertThat(evaluate(from("a@split.example"), none(), List.of()).policy()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void versionMustBeDmarc1InUpperCase() {
        assertThat(evaluate(from("a@lower.example"), none(), List.of()).keyword()).isEqualTo("none");
    }

    @Test
    void invalidPolicyWithoutRuaMeansNone() {
        DmarcResult r = evaluate(from("a@badp.example"), none(), List.of());
        assertThat(r).isEqualTo(new DmarcResult.None("badp.example", "DMARC record without valid p="));
    }

    @Test
    void invalidPolicyWithRuaCountsAsPNone() {
        DmarcResult r = evaluate(from("a@badprua.example"), none(), List.of());
        assertThat(r).isEqualTo(
                new DmarcResult.Fail("badprua.example", DmarcPolicy.NONE, DmarcPolicy.NONE, "not aligned"));
    }

    @Test
    void invalidPctMeansNone() {
        assertThat(evaluate(from("a@badpct.example"), none(), List.of()))
                .isEqualTo(new DmarcResult.None("badpct.example", "invalid pct= in DMARC record"));
    }

    @Test
    void servfailIsTemperror() {
        DmarcResult r = evaluate(from("a@broken.example"), none(), List.of());
        assertThat(r).isEqualTo(new DmarcResult.TempError("broken.example", "DNS servfail"));
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=temperror (DNS servfail) header.from=broken.example");
    }

    @Test
    void timeoutIsTemperror() {
        assertThat(evaluate(from("a@silent.example"), none(), List.of()))
                .isEqualTo(new DmarcResult.TempError("silent.example", "DNS timeout"));
    }

    @Test
    void failureAtTheOrganizationalDomainIsTemperror() {
        assertThat(evaluate(from("a@www.brokenorg.example"), none(), List.of()))
                .isEqualTo(new DmarcResult.TempError("www.brokenorg.example", "DNS servfail"));
    }

    @Test
    void privateSuffixSubdomainIsItsOwnOrganization() {
        assertThat(evaluate(from("a@foo.blogspot.com"), none(), List.of("foo.blogspot.com")).keyword())
                .isEqualTo("pass");
        // bar.blogspot.com is another organization: its d= does not align with foo.blogspot.com.
        assertThat(evaluate(from("a@foo.blogspot.com"), none(), List.of("bar.blogspot.com")).keyword())
                .isEqualTo("fail");
    }

    // --- pct sampling (RFC 7489 §6.6.4) ---

    @Test
    void messageInsideTheSampleGetsTheRequestedPolicy() {
        DmarcResult r = evaluator(draws(49)).evaluate(query(from("a@half.example"), none(), List.of()))
                .toCompletableFuture().join();
        assertThat(r).isEqualTo(
                new DmarcResult.Fail("half.example", DmarcPolicy.REJECT, DmarcPolicy.REJECT, "not aligned"));
    }

    @Test
    void messageOutsideTheSampleGetsTheNextLowerPolicy() {
        DmarcResult reject = evaluator(draws(50)).evaluate(query(from("a@half.example"), none(), List.of()))
                .toCompletableFuture().join();
        assertThat(reject).isEqualTo(new DmarcResult.Fail("half.example", DmarcPolicy.REJECT,
                DmarcPolicy.QUARANTINE, "not aligned, outside pct=50 sample"));
        assertThat(reject.authenticationResults())
                .isEqualTo("dmarc=fail (p=reject dis=quarantine) header.from=half.example");
        DmarcResult quarantine = evaluator(draws(99)).evaluate(query(from("a@halfq.example"), none(), List.of()))
                .toCompletableFuture().join();
        assertThat(quarantine.policy()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void pctZeroNeverEnactsAndPct100NeverDraws() {
        DmarcResult zero = evaluator(draws(0)).evaluate(query(from("a@zero.example"), none(), List.of()))
                .toCompletableFuture().join();
        assertThat(zero.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
        DmarcResult full = evaluator(neverCalled()).evaluate(query(from("a@example.com"), none(), List.of()))
                .toCompletableFuture().join();
        assertThat(full.policy()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void seededSamplingEnactsAboutPctOfFailures() {
        DmarcEvaluator evaluator = evaluator(new SplittableRandom(7489));
        int enacted = 0;
        for (int i = 0; i < 400; i++) {
            DmarcResult r = evaluator.evaluate(query(from("a@half.example"), none(), List.of()))
                    .toCompletableFuture().join();
            enacted += r.policy() == DmarcPolicy.REJECT ? 1 : 0;
        }
        assertThat(enacted).isBetween(160, 240);
    }

    // --- author domain (RFC 7489 §6.6.1) ---

    @Test
    void noFromFieldIsPermerror() {
        DmarcResult r = evaluate(List.of(), Optional.of("example.com"), List.of("example.com"));
        assertThat(r).isEqualTo(new DmarcResult.PermError(Optional.empty(), "no From field"));
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.authenticationResults()).isEqualTo("dmarc=permerror (no From field)");
    }

    @Test
    void twoFromFieldsArePermerrorEvenWhenAligned() {
        DmarcResult r = evaluate(List.of(" a@example.com", " b@example.com"), none(), List.of("example.com"));
        assertThat(r).isEqualTo(new DmarcResult.PermError(Optional.empty(), "several From fields"));
    }

    @Test
    void twoAuthorDomainsArePermerror() {
        DmarcResult r = evaluate(from("a@example.com, Bob <b@example.org>"), none(), List.of("example.com"));
        assertThat(r.authenticationResults()).isEqualTo("dmarc=permerror (several author domains)");
        assertThat(r.fromDomain()).isEmpty();
    }

    @Test
    void severalAddressesOfOneDomainAreEvaluated() {
        assertThat(evaluate(from("a@Example.COM, \"B, Bob\" <b@example.com>"), none(), List.of("example.com")))
                .isEqualTo(new DmarcResult.Pass("example.com", DmarcPolicy.REJECT, "dkim aligned"));
    }

    @Test
    void fieldWithoutAddressIsPermerror() {
        assertThat(evaluate(from(" undisclosed-recipients:;"), none(), List.of()).reason())
                .isEqualTo("no author address");
        assertThat(evaluate(from(" a@[192.0.2.1]"), none(), List.of()).keyword()).isEqualTo("permerror");
    }

    @Test
    void findsAddressesInTheUsualForms() {
        assertThat(DmarcAuthor.addresses(" alice@example.com")).containsExactly("alice@example.com");
        assertThat(DmarcAuthor.addresses(" Alice <alice@example.com>")).containsExactly("alice@example.com");
        assertThat(DmarcAuthor.addresses(" \"Doe, John (x) <j@evil.example>\" <john@example.com>"))
                .containsExactly("john@example.com");
        assertThat(DmarcAuthor.addresses(" Doe, John <john@example.com>")).containsExactly("john@example.com");
        assertThat(DmarcAuthor.addresses(" john@example.com (John (the) \\) <x@evil.example>)"))
                .containsExactly("john@example.com");
        assertThat(DmarcAuthor.addresses(" =?utf-8?q?x@evil.example?= <a@example.com>"))
                .containsExactly("a@example.com");
        assertThat(DmarcAuthor.addresses(" \"a@evil.example\"@example.com")).containsExactly("\"@example.com");
        assertThat(DmarcAuthor.addresses(" <@relay.example,@r2.example:a@example.com>"))
                .containsExactly("a@example.com");
        assertThat(DmarcAuthor.addresses(" Team: a@example.com, b@example.org;"))
                .containsExactly("a@example.com", "b@example.org");
        assertThat(DmarcAuthor.addresses(" Alice\n <alice@example.\n com>")).containsExactly("alice@example.com");
    }

    @Test
    void normalizesTheAuthorDomain() {
        assertThat(DmarcAuthor.domainOf("a@Example.COM.")).isEqualTo(Parsed.ok("example.com"));
        // UTF-8 octets as HeaderField holds them: "bücher.example".
        String octets = new String("a@b\u00fccher.example".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(DmarcAuthor.domainOf(octets)).isEqualTo(Parsed.ok("xn--bcher-kva.example"));
        assertThat(DmarcAuthor.domainOf("a@ex!ample.com")).isInstanceOf(Parsed.Invalid.class);
    }

    // --- organizational domain (RFC 7489 §3.2) ---

    @Test
    void organizationalDomainFollowsThePublicSuffixList() {
        assertThat(DmarcEvaluator.organizationalDomain("example.co.uk")).isEqualTo("example.co.uk");
        assertThat(DmarcEvaluator.organizationalDomain("mail.Example.CO.UK.")).isEqualTo("example.co.uk");
        assertThat(DmarcEvaluator.organizationalDomain("a.b.example.com")).isEqualTo("example.com");
        assertThat(DmarcEvaluator.organizationalDomain("example.com")).isEqualTo("example.com");
        assertThat(DmarcEvaluator.organizationalDomain("foo.blogspot.com")).isEqualTo("foo.blogspot.com");
        assertThat(DmarcEvaluator.organizationalDomain("x.foo.github.io")).isEqualTo("foo.github.io");
        assertThat(DmarcEvaluator.organizationalDomain("co.uk")).isEqualTo("co.uk");
    }

    @Test
    void organizationalDomainFallsBackToTwoLabelsOutsideTheList() {
        assertThat(DmarcEvaluator.organizationalDomain("mail.corp.internal-zone")).isEqualTo("corp.internal-zone");
        assertThat(DmarcEvaluator.organizationalDomain("localhost")).isEqualTo("localhost");
        assertThat(DmarcEvaluator.organizationalDomain("a.b_c.example.invalid_")).isEqualTo("example.invalid_");
    }

    // --- helpers ---

    private static DmarcResult evaluate(List<String> from, Optional<String> spf, List<String> dkim) {
        return evaluator(neverCalled()).evaluate(query(from, spf, dkim)).toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static DmarcEvaluator evaluator(RandomGenerator sampling) {
        return DmarcEvaluator.create(resolver, sampling);
    }

    private static DmarcQuery query(List<String> from, Optional<String> spf, List<String> dkim) {
        return new DmarcQuery(from, spf, dkim);
    }

    private static List<String> from(String value) {
        return List.of(value);
    }

    private static Optional<String> none() {
        return Optional.empty();
    }

    /** A generator whose every {@code nextInt(bound)} is {@code value}. */
    private static RandomGenerator draws(int value) {
        return new RandomGenerator() {
            @Override public long nextLong() { throw new AssertionError("only nextInt(bound) is expected"); }
            @Override public int nextInt(int bound) { return value; }
        };
    }

    /** A generator for tests where no sampling should happen (pct=100, or no failure). */
    private static RandomGenerator neverCalled() {
        return () -> {
            throw new AssertionError("pct sampling was not expected");
        };
    }
}
