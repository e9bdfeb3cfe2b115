package org.postern.rbl;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.LoopbackDnsServer;

/** The checker against the loopback DNS server and a real resolver: every answer kind a list can give. */
class RblCheckerTest {

    private static final String KEY = "k3ysecretk3ysecretk3ysecre";
    private static final String V6_NIBBLES = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";

    private static final String ZONE = """
            # zen-like DNSBL; RFC 5782 §5 test entry 127.0.0.2 answers several sublists at once
            2.0.0.127.zen.test.         A 127.0.0.2
            2.0.0.127.zen.test.         A 127.0.0.4
            2.0.0.127.zen.test.         A 127.0.0.10
            99.2.0.192.zen.test.        A 127.0.0.3
            98.2.0.192.zen.test.        A 127.0.0.99
            97.2.0.192.zen.test.        A 127.0.0.2
            97.2.0.192.zen.test.        A 127.0.0.99
            96.2.0.192.zen.test.        A 127.255.255.254
            95.2.0.192.zen.test.        A 192.0.2.1
            94.2.0.192.zen.test.        TIMEOUT
            93.2.0.192.zen.test.        SERVFAIL
            %s.zen.test.                A 127.0.0.4
            # bit-mask list (RFC 5782 §2.3)
            99.2.0.192.multi.test.      A 127.0.0.6
            96.2.0.192.multi.test.      A 127.255.255.254
            # Spamhaus DQS-style: the key sits between the reversed address and the zone
            2.0.0.127.%s.zen.dq.test.   A 127.0.0.2
            96.2.0.192.%s.zen.dq.test.  A 127.255.255.252
            # RHSBL (RFC 5782 §2.2)
            spam.example.dbl.test.      A 127.0.1.2
            phish.example.dbl.test.     A 127.0.1.4
            """.formatted(V6_NIBBLES, KEY, KEY);

    private static final RblList ZEN = new RblList("zen", "zen.test", Optional.empty(), true, Set.of(),
            RblList.spamhausZen().rules(), Optional.empty());
    private static final RblList MULTI = new RblList("multi", "multi.test", Optional.empty(), true, Set.of(),
            List.of(ReturnCodeRule.parse("MULTI_BLACK", "&0.0.0.2"), ReturnCodeRule.parse("MULTI_GREY", "&0.0.0.4"),
                    ReturnCodeRule.parse("MULTI_LOW", "127.0.0.2-127.0.0.7")),
            Optional.of("$rbl_class [$rbl_what] blocked using $rbl_domain ($rbl_code);"
                    + " see https://lookup.example/?ip=$client_address"));
    private static final RblList DBL = new RblList("dbl", "dbl.test", Optional.empty(), false,
            EnumSet.of(NameKind.HELO, NameKind.SENDER_DOMAIN, NameKind.CLIENT_NAME), RblList.spamhausDbl().rules(),
            Optional.of("$rbl_class $rbl_what blocked using $rbl_domain"));
    private static final RblList SENDER_ONLY = new RblList("sender-only", "dbl.test", Optional.empty(), false,
            EnumSet.of(NameKind.SENDER_DOMAIN), RblList.spamhausDbl().rules(), Optional.empty());
    private static final RblList DQS = new RblList("zen-dqs", "zen.dq.test", Optional.of(KEY), true, Set.of(),
            RblList.spamhausZen().rules(), Optional.of("blocked using $rbl_domain ($rbl_code)"));

    private LoopbackDnsServer server;
    private DnsResolver dns;

    @BeforeEach
    void start() {
        server = LoopbackDnsServer.start(ZONE);
        dns = DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address()))
                .withTimeout(Duration.ofMillis(250), 0));
    }

    @AfterEach
    void stop() {
        dns.close();
        server.close();
    }

    private static List<RblOutcome> await(CompletionStage<List<RblOutcome>> stage) throws Exception {
        return stage.toCompletableFuture().get(10, SECONDS);
    }

    private static RblOutcome only(CompletionStage<List<RblOutcome>> stage) throws Exception {
        List<RblOutcome> outcomes = await(stage);
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);   // a literal: no DNS query
    }

    private static Inet4Address code(String text) {
        return Ipv4.parse(text).orElseThrow();
    }

    @Test
    void mapsEveryCodeOfAMultiCodeAnswer() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkIp(ip("127.0.0.2")));
        assertThat(listed.list()).isEqualTo(ZEN);
        assertThat(listed.lookedUp()).isEqualTo("127.0.0.2");
        assertThat(listed.codes()).containsExactlyInAnyOrder(code("127.0.0.2"), code("127.0.0.4"),
                code("127.0.0.10"));
        assertThat(listed.symbols()).containsExactly("RBL_ZEN_SBL", "RBL_ZEN_XBL", "RBL_ZEN_PBL");
        assertThat(listed.unmappedCodes()).isEmpty();
        assertThat(listed.replyText())
                .isEqualTo("Service unavailable; Client host [127.0.0.2] blocked using zen.test");
    }

    @Test
    void anUnlistedAddressIsNotListed() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        assertThat(only(checker.checkIp(ip("192.0.2.1")))).isEqualTo(new RblOutcome.NotListed(ZEN, "192.0.2.1"));
        assertThat(server.queriesReceived("1.2.0.192.zen.test")).isEqualTo(1);
    }

    @Test
    void mapsRangesAndBitsAndRendersTheTemplate() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(MULTI));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkIp(ip("192.0.2.99")));
        assertThat(listed.codes()).containsExactly(code("127.0.0.6"));
        assertThat(listed.symbols()).containsExactly("MULTI_BLACK", "MULTI_GREY", "MULTI_LOW");
        assertThat(listed.replyText()).isEqualTo("Client host [192.0.2.99] blocked using multi.test (127.0.0.6);"
                + " see https://lookup.example/?ip=192.0.2.99");
    }

    @Test
    void spamhausOpenResolverCodeIsAnErrorNeverAListing() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN, MULTI));
        List<RblOutcome> outcomes = await(checker.checkIp(ip("192.0.2.96")));
        assertThat(outcomes).extracting(RblOutcome::kind).containsExactly(RblOutcome.Kind.FAILED,
                RblOutcome.Kind.FAILED);
        for (RblOutcome outcome : outcomes) {
            RblOutcome.Failed failed = (RblOutcome.Failed) outcome;
            assertThat(failed.failure()).isEqualTo(RblOutcome.FailureKind.REFUSED_OR_RATE_LIMITED);
            assertThat(failed.detail()).isEqualTo("127.255.255.254 (query via public/open resolver)");
        }
        assertThat(checker.counters().forList("multi").orElseThrow().errors()).isEqualTo(1);
        assertThat(checker.counters().forList("multi").orElseThrow().listed()).isZero();
    }

    @Test
    void anAnswerOutsideLoopbackIsAnError() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Failed failed = (RblOutcome.Failed) only(checker.checkIp(ip("192.0.2.95")));
        assertThat(failed.failure()).isEqualTo(RblOutcome.FailureKind.OUTSIDE_LOOPBACK);
        assertThat(failed.detail()).contains("192.0.2.1");
        assertThat(checker.counters().forList("zen").orElseThrow().outsideLoopback()).isEqualTo(1);
    }

    @Test
    void aServerThatNeverAnswersIsATimeout() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Failed failed = (RblOutcome.Failed) only(checker.checkIp(ip("192.0.2.94")));
        assertThat(failed.failure()).isEqualTo(RblOutcome.FailureKind.TIMEOUT);
        assertThat(checker.counters().forList("zen").orElseThrow().timeouts()).isEqualTo(1);
        assertThat(checker.counters().forList("zen").orElseThrow().errors()).isZero();
    }

    @Test
    void servfailIsADnsFailure() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Failed failed = (RblOutcome.Failed) only(checker.checkIp(ip("192.0.2.93")));
        assertThat(failed.failure()).isEqualTo(RblOutcome.FailureKind.DNS_FAILURE);
        assertThat(failed.detail()).startsWith("SERVFAIL");
    }

    @Test
    void aClosedResolverGivesAFailureNotAnException() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        dns.close();
        RblOutcome.Failed failed = (RblOutcome.Failed) only(checker.checkIp(ip("192.0.2.99")));
        assertThat(failed.failure()).isEqualTo(RblOutcome.FailureKind.DNS_FAILURE);
    }

    @Test
    void aCodeNoRuleMapsIsListedUnmapped() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome unmapped = only(checker.checkIp(ip("192.0.2.98")));
        assertThat(unmapped).isEqualTo(new RblOutcome.ListedUnmapped(ZEN, "192.0.2.98", List.of(code("127.0.0.99")),
                "Service unavailable; Client host [192.0.2.98] blocked using zen.test"));
        RblOutcome.Listed partly = (RblOutcome.Listed) only(checker.checkIp(ip("192.0.2.97")));
        assertThat(partly.symbols()).containsExactly("RBL_ZEN_SBL");
        assertThat(partly.unmappedCodes()).containsExactly(code("127.0.0.99"));
        RblCounters.ListCounters zen = checker.counters().forList("zen").orElseThrow();
        assertThat(zen.listed()).isEqualTo(2);
        assertThat(zen.unmapped()).isEqualTo(2);
    }

    @Test
    void looksUpIpv6AsReversedNibbles() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkIp(ip("2001:DB8:0:0:0:0:0:1")));
        assertThat(listed.lookedUp()).isEqualTo("2001:db8::1");
        assertThat(listed.symbols()).containsExactly("RBL_ZEN_XBL");
        assertThat(server.queriesReceived(V6_NIBBLES + ".zen.test")).isEqualTo(1);
    }

    @Test
    void looksUpIpv4MappedIpv6AsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 99};
        RblChecker checker = RblChecker.create(dns, List.of(ZEN));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkIp(Inet6Address.getByAddress(null,
                mapped, -1)));
        assertThat(listed.lookedUp()).isEqualTo("192.0.2.99");
        assertThat(listed.symbols()).containsExactly("RBL_ZEN_SBL");
    }

    @Test
    void asksOnlyListsThatCheckIps() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(DBL, ZEN, SENDER_ONLY, MULTI));
        assertThat(await(checker.checkIp(ip("192.0.2.99")))).extracting(RblOutcome::list).containsExactly(ZEN, MULTI);
    }

    @Test
    void rhsblLooksUpTheHeloNameLowerCasedWithoutTrailingDot() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN, DBL, SENDER_ONLY));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkName("Spam.Example.", NameKind.HELO));
        assertThat(listed.list()).isEqualTo(DBL);
        assertThat(listed.lookedUp()).isEqualTo("spam.example");
        assertThat(listed.symbols()).containsExactly("RBL_DBL_SPAM");
        assertThat(listed.replyText()).isEqualTo("Helo command spam.example blocked using dbl.test");
    }

    @Test
    void rhsblChecksTheSenderDomainInEveryListThatWantsIt() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN, DBL, SENDER_ONLY));
        List<RblOutcome> outcomes = await(checker.checkName("phish.example", NameKind.SENDER_DOMAIN));
        assertThat(outcomes).extracting(RblOutcome::list).containsExactly(DBL, SENDER_ONLY);
        assertThat(((RblOutcome.Listed) outcomes.get(0)).symbols()).containsExactly("RBL_DBL_PHISH");
        assertThat(((RblOutcome.Listed) outcomes.get(0)).replyText())
                .isEqualTo("Sender address phish.example blocked using dbl.test");
        assertThat(await(checker.checkName("clean.example", NameKind.CLIENT_NAME)))
                .containsExactly(new RblOutcome.NotListed(DBL, "clean.example"));
    }

    @Test
    void namesThatCannotBeQueryNamesAreSkippedWithoutAQuery() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(DBL));
        RblOutcome.Skipped literal = (RblOutcome.Skipped) only(checker.checkName("[192.0.2.1]", NameKind.HELO));
        assertThat(literal.reason()).contains("address literal");
        RblOutcome.Skipped bare = (RblOutcome.Skipped) only(checker.checkName("192.0.2.1", NameKind.HELO));
        assertThat(bare.reason()).contains("IPv4 address");
        RblOutcome.Skipped unknown = (RblOutcome.Skipped) only(checker.checkName("unknown", NameKind.CLIENT_NAME));
        assertThat(unknown.reason()).contains("placeholder");
        RblOutcome.Skipped control = (RblOutcome.Skipped) only(checker.checkName("evil\r\nname", NameKind.HELO));
        assertThat(control.lookedUp()).isEqualTo("evil??name");
        assertThat(server.queriesReceived()).isZero();
        RblCounters.ListCounters dbl = checker.counters().forList("dbl").orElseThrow();
        assertThat(dbl.skipped()).isEqualTo(4);
        assertThat(dbl.queries()).isZero();
    }

    @Test
    void noListForTheKindCompletesAtOnceWithNothing() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN, SENDER_ONLY));
        CompletionStage<List<RblOutcome>> stage = checker.checkName("spam.example", NameKind.HELO);
        assertThat(stage.toCompletableFuture().isDone()).isTrue();
        assertThat(await(stage)).isEmpty();
    }

    @Test
    void dqsKeyGoesBetweenTheAddressAndTheZoneAndNowhereElse() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(DQS));
        RblOutcome.Listed listed = (RblOutcome.Listed) only(checker.checkIp(ip("127.0.0.2")));
        assertThat(server.queriesReceived("2.0.0.127." + KEY + ".zen.dq.test")).isEqualTo(1);
        assertThat(listed.replyText()).isEqualTo("blocked using zen.dq.test (127.0.0.2)");
        RblOutcome.Failed wrongKey = (RblOutcome.Failed) only(checker.checkIp(ip("192.0.2.96")));
        assertThat(wrongKey.detail()).isEqualTo("127.255.255.252 (typing error in the list name, or a wrong DQS key)");
        assertThat(List.of(listed.toString(), wrongKey.toString(), checker.counters().toString()))
                .allSatisfy(text -> assertThat(text).doesNotContain(KEY));
    }

    @Test
    void queriesAllListsAndCountsEachOutcomeOnce() throws Exception {
        RblChecker checker = RblChecker.create(dns, List.of(ZEN, MULTI, DBL));
        await(checker.checkIp(ip("192.0.2.99")));   // zen listed, multi listed
        await(checker.checkIp(ip("192.0.2.96")));   // zen refused, multi refused
        await(checker.checkIp(ip("192.0.2.1")));    // both not listed
        await(checker.checkName("spam.example", NameKind.HELO));
        await(checker.checkName("[192.0.2.1]", NameKind.HELO));
        RblCounters counters = checker.counters();
        assertThat(counters.lists()).extracting(RblCounters.ListCounters::list).containsExactly("zen", "multi", "dbl");
        assertThat(counters.forList("zen")).hasValue(
                new RblCounters.ListCounters("zen", 3, 1, 0, 1, 1, 0, 0, 0, 0));
        assertThat(counters.forList("multi")).hasValue(
                new RblCounters.ListCounters("multi", 3, 1, 0, 1, 1, 0, 0, 0, 0));
        assertThat(counters.forList("dbl")).hasValue(
                new RblCounters.ListCounters("dbl", 1, 1, 0, 0, 0, 0, 0, 0, 1));
        assertThat(counters.forList("nope")).isEmpty();
    }

    @Test
    void refusesTwoListsWithOneName() {
        assertThatThrownBy(() -> RblChecker.create(dns, List.of(ZEN, ZEN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two lists are named zen");
    }
}
