package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;
import org.postern.config.SymbolConfig;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.LoopbackDnsServer;
import org.postern.milter.SmtpReply;

/** DMARC's outcome in the pipeline: what it scores, and what the honor switches make Postern do. */
class DkimPipelineCheckTest {

    private static LoopbackDnsServer server;
    private static DnsResolver dns;

    @BeforeAll
    static void start() {
        server = LoopbackDnsServer.start("""
                _dmarc.strict.test.  TXT "v=DMARC1; p=reject"
                _dmarc.held.test.    TXT "v=DMARC1; p=quarantine"
                """);
        dns = DnsResolver.create(DnsResolverSettings.defaults(List.of(server.address())));
    }

    @AfterAll
    static void stop() {
        dns.close();
        server.close();
    }

    @Test
    void aFailingRejectPolicyOnlyScoresByDefault() throws Exception {
        CheckResult r = scan("", "Alice <alice@strict.test>");
        assertThat(r.symbols()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("DMARC_FAIL_REJECT");
            assertThat(s.score()).isEqualTo(2.0);
            assertThat(s.forced()).isEmpty();
        });
        assertThat(r.authenticationResults()).anyMatch(a -> a.startsWith("dmarc=fail")
                && a.contains("header.from=strict.test"));
    }

    @Test
    void honorRejectRefusesWithTheConfiguredReply() throws Exception {
        CheckResult r = scan("dmarc: {honor_reject: true}\n", "alice@strict.test");
        assertThat(r.symbols()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("DMARC_FAIL_REJECT");
            assertThat(s.forced()).contains(ActionKind.REJECT);
            assertThat(s.reply()).contains(SmtpReply.of(550, "5.7.1",
                    "Rejected by the DMARC policy of the sender's domain"));
        });
    }

    @Test
    void honorQuarantineHoldsAndAPassingSpfDomainAligns() throws Exception {
        CheckResult held = scan("dmarc: {honor_quarantine: true}\n", "bob@held.test");
        assertThat(held.symbols()).anySatisfy(s -> assertThat(s.forced()).contains(ActionKind.QUARANTINE));
        CheckResult aligned = scan("dmarc: {honor_quarantine: true}\n", "bob@held.test",
                new AuthenticatedIdentity(AuthenticatedIdentity.Method.SPF, "held.test"));
        assertThat(aligned.symbols()).anySatisfy(s -> assertThat(s.name()).isEqualTo("DMARC_PASS"));
        assertThat(aligned.symbols()).allSatisfy(s -> assertThat(s.forced()).isEmpty());
    }

    @Test
    void severalAuthorDomainsAreAPermerrorNeverAPass() throws Exception {
        CheckResult r = scan("", "alice@strict.test, mallory@held.test");
        assertThat(r.symbols()).anySatisfy(s -> assertThat(s.name()).isEqualTo("DMARC_PERMERROR"));
    }

    private static CheckResult scan(String yaml, String from, AuthenticatedIdentity... identities) throws Exception {
        PosternConfig config = ConfigLoader.parse(yaml, "t.yml");
        Map<String, SymbolConfig> symbols = config.symbols();
        var check = new DkimPipelineCheck(dns, config.dkim(), config.dmarc(), (kind, reason) -> {
            SymbolConfig sc = symbols.get(kind);
            return Symbol.scored(sc.name(), sc.score(), reason, false);
        });
        var facts = new ConnectionFacts("192.0.2.10", Optional.of(InetAddress.getByName("192.0.2.10")),
                "mail.remote.test", 40000, "mail.remote.test", "mx", false);
        var envelope = new Envelope("a@remote.test", Optional.empty(), false, List.of("b@example.test"));
        var headers = ReceivedHeaders.of(List.of(new ReceivedHeaders.Field("From", " " + from),
                new ReceivedHeaders.Field("Subject", " hello")));
        MessageScan scan = check.beginMessage(facts, envelope, headers).orElseThrow();
        scan.body(java.nio.ByteBuffer.wrap("hi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return scan.finish(List.of(identities)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
