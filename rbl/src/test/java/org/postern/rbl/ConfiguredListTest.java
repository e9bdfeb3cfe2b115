package org.postern.rbl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;

/** Reading answers, without DNS: the order of the checks is what keeps an error code from ever becoming a listing. */
class ConfiguredListTest {

    private static final RblList MULTI = new RblList("multi", "multi.example", Optional.empty(), true, Set.of(),
            List.of(ReturnCodeRule.mask("MULTI_BLACK", "0.0.0.2"), ReturnCodeRule.mask("MULTI_GREY", "0.0.0.4")),
            Optional.empty());
    private static final ConfiguredList.Lookup LOOKUP =
            new ConfiguredList.Lookup("192.0.2.99", "99.2.0.192.multi.example", "Client host");

    private static DnsAnswer answer(String... codes) {
        return new DnsAnswer.Records(Arrays.stream(codes)
                .map(c -> (DnsRecord) new DnsRecord.A(Ipv4.parse(c).orElseThrow())).toList(), Duration.ofMinutes(5));
    }

    @Test
    void anErrorCodeIsNeverReadAsAListingEvenWhenAMaskWouldMatchIt() {
        // 127.255.255.254 has bits 2 and 4 set: without the error check first, both mask rules would fire.
        ConfiguredList list = new ConfiguredList(MULTI);
        RblOutcome outcome = list.read(answer("127.255.255.254"), LOOKUP);
        assertThat(outcome).isInstanceOf(RblOutcome.Failed.class);
        assertThat(((RblOutcome.Failed) outcome).failure()).isEqualTo(RblOutcome.FailureKind.REFUSED_OR_RATE_LIMITED);
        assertThat(((RblOutcome.Failed) outcome).detail())
                .isEqualTo("127.255.255.254 (query via public/open resolver)");
    }

    @Test
    void anErrorCodeBesideAListingCodeIsStillAnError() {
        RblOutcome outcome = new ConfiguredList(MULTI).read(answer("127.0.0.2", "127.255.255.255"), LOOKUP);
        assertThat(outcome.kind()).isEqualTo(RblOutcome.Kind.FAILED);
        assertThat(((RblOutcome.Failed) outcome).detail()).contains("excessive number of queries");
    }

    @Test
    void anAnswerOutsideLoopbackSpoilsTheWholeAnswer() {
        RblOutcome outcome = new ConfiguredList(MULTI).read(answer("127.0.0.2", "198.51.100.7"), LOOKUP);
        assertThat(((RblOutcome.Failed) outcome).failure()).isEqualTo(RblOutcome.FailureKind.OUTSIDE_LOOPBACK);
        assertThat(((RblOutcome.Failed) outcome).detail()).startsWith("198.51.100.7 is outside 127.0.0.0/8");
    }

    @Test
    void everyErrorCodeHasItsSpamhausMeaning() {
        ConfiguredList list = new ConfiguredList(MULTI);
        assertThat(((RblOutcome.Failed) list.read(answer("127.255.255.252"), LOOKUP)).detail())
                .contains("typing error");
        assertThat(((RblOutcome.Failed) list.read(answer("127.255.255.253"), LOOKUP)).detail())
                .contains("query refused");
        assertThat(list.counters().refused()).isEqualTo(2);
    }

    @Test
    void mapsDnsFailureKinds() {
        ConfiguredList list = new ConfiguredList(MULTI);
        RblOutcome timeout = list.read(new DnsAnswer.Failure(DnsAnswer.FailureKind.TIMEOUT, "2 tries"), LOOKUP);
        RblOutcome servfail = list.read(new DnsAnswer.Failure(DnsAnswer.FailureKind.SERVFAIL, "rcode 2"), LOOKUP);
        assertThat(((RblOutcome.Failed) timeout).failure()).isEqualTo(RblOutcome.FailureKind.TIMEOUT);
        assertThat(((RblOutcome.Failed) servfail).failure()).isEqualTo(RblOutcome.FailureKind.DNS_FAILURE);
        assertThat(((RblOutcome.Failed) servfail).detail()).isEqualTo("SERVFAIL: rcode 2");
        assertThat(list.counters().timeouts()).isEqualTo(1);
        assertThat(list.counters().dnsFailures()).isEqualTo(1);
    }

    @Test
    void negativeAnswersAreNotListed() {
        ConfiguredList list = new ConfiguredList(MULTI);
        assertThat(list.read(new DnsAnswer.NxDomain(Duration.ofMinutes(5)), LOOKUP))
                .isEqualTo(new RblOutcome.NotListed(MULTI, "192.0.2.99"));
        assertThat(list.read(new DnsAnswer.NoData(Duration.ofMinutes(5)), LOOKUP).kind())
                .isEqualTo(RblOutcome.Kind.NOT_LISTED);
        assertThat(list.counters().notListed()).isEqualTo(2);
    }

    @Test
    void oneCodeCanCarrySeveralBits() {
        RblOutcome outcome = new ConfiguredList(MULTI).read(answer("127.0.0.6"), LOOKUP);
        assertThat(((RblOutcome.Listed) outcome).symbols()).containsExactly("MULTI_BLACK", "MULTI_GREY");
    }

    @Test
    void aListingNoRuleMapsIsListedUnmapped() {
        ConfiguredList list = new ConfiguredList(MULTI);
        RblOutcome outcome = list.read(answer("127.0.0.8"), LOOKUP);
        assertThat(outcome).isEqualTo(new RblOutcome.ListedUnmapped(MULTI, "192.0.2.99",
                List.of(Ipv4.parse("127.0.0.8").orElseThrow()),
                "Service unavailable; Client host [192.0.2.99] blocked using multi.example"));
        assertThat(list.counters().listed()).isEqualTo(1);
        assertThat(list.counters().unmapped()).isEqualTo(1);
    }
}
