package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.daemon.Postern;
import org.postern.dns.LoopbackDnsServer;

/**
 * Blocklists and SPF through a real Postfix (issue #3), with DNS from our loopback server. XCLIENT (allowed for
 * 127.0.0.1 by the test instance's {@code smtpd_authorized_xclient_hosts}) presents the remote client each test
 * needs: a listed one is refused at RCPT with the list's reply text, an unlisted one passes, SPF pass and fail show
 * up in Authentication-Results of the delivered message, and a blocklist whose DNS never answers delays the RCPT
 * verdict by no more than the configured budget and refuses nothing.
 */
class PosternDnsPostfixIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The budgets of this test: a DNS server that never answers may hold RCPT this long, and no longer. */
    private static final Duration BUDGET = Duration.ofSeconds(1);

    private static final String ZONE = """
            # zen.test: a blocklist; 192.0.2.10 listed (SBL-style code), 192.0.2.30 never answered
            10.2.0.192.zen.test.      A   127.0.0.2
            30.2.0.192.zen.test.      TIMEOUT
            # SPF: remote.test sends from 192.0.2.0/24 only
            remote.test.              TXT "v=spf1 ip4:192.0.2.0/24 -all"
            """;

    private static Path stateDir;
    private static LoopbackDnsServer dns;
    private static Postern postern;
    private static PostfixInstance postfix;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("postern-it-state-");
        dns = LoopbackDnsServer.start(ZONE);
        postern = Postern.start(ConfigLoader.parse("""
                milter:
                  listen: 127.0.0.1:0
                state_dir: %s
                authserv_id: mx.example.test
                dns:
                  servers: ["127.0.0.1:%d"]
                  timeout: 5s   # longer than the budget: the budget, not the resolver, must cut the wait
                  retries: 0
                greylist:
                  enabled: false   # this test is about DNS checks; PosternGreylistPostfixIT greylists
                scan:
                  connect_budget: %dms
                  rcpt_budget: %dms
                rbl:
                  lists:
                    - name: zen
                      zone: zen.test
                      codes:
                        - {code: 127.0.0.2-127.0.0.3, symbol: RBL_ZEN_SBL, score: 20}
                      reply: "554 5.7.1 Service unavailable; client [$client_address] blocked using $rbl_domain"
                """.formatted(stateDir, dns.address().getPort(), BUDGET.toMillis(), BUDGET.toMillis()),
                "PosternDnsPostfixIT"));
        postfix = PostfixInstance.builder().milterPort(postern.milterAddress().getPort()).start();
    }

    @AfterAll
    static void stop() {
        try {
            Closing.closeAll(postern, postfix, dns);
        } finally {
            TestFiles.deleteRecursively(stateDir);
        }
    }

    @Test
    void aListedClientIsRefusedAtRcptWithTheListsReplyText() {
        try (SmtpClient smtp = remoteClient("192.0.2.10")) {
            assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address("alice")).toString())
                    .isEqualTo("554 5.7.1 Service unavailable; client [192.0.2.10] blocked using zen.test");
            smtp.quit();
        }
        assertThat(postfix.delivered("alice")).isEmpty();
    }

    @Test
    void anUnlistedClientPassesAndSpfPassIsInAuthenticationResults() {
        try (SmtpClient smtp = remoteClient("192.0.2.20")) {
            send(smtp, "sender@remote.test", "bob", "from an unlisted client");
        }
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered("bob", WAIT).get(0));
        assertThat(m.all("Authentication-Results")).singleElement().asString()
                .startsWith("mx.example.test;").contains("spf=pass smtp.mailfrom=remote.test");
        assertThat(m.header("Received-SPF")).hasValueSatisfying(v -> assertThat(v).startsWith("pass ")
                .contains("client-ip=192.0.2.20").contains("envelope-from=\"sender@remote.test\"")
                .contains("identity=mailfrom"));
        assertThat(m.header("X-Postern-Symbols")).hasValueSatisfying(v -> assertThat(v).contains("SPF_PASS"));
    }

    @Test
    void spfFailIsInAuthenticationResultsAndScoredNotRejected() {
        try (SmtpClient smtp = remoteClient("198.51.100.7")) {
            send(smtp, "forger@remote.test", "carol", "from outside remote.test's SPF record");
        }
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered("carol", WAIT).get(0));
        assertThat(m.all("Authentication-Results")).singleElement().asString()
                .contains("spf=fail smtp.mailfrom=remote.test");
        assertThat(m.header("Received-SPF")).hasValueSatisfying(v -> assertThat(v).startsWith("fail "));
        assertThat(m.header("X-Spam-Status")).hasValueSatisfying(v -> assertThat(v).contains("SPF_FAIL"));
    }

    @Test
    void aBlocklistThatNeverAnswersDelaysRcptByAtMostTheBudgetAndRefusesNothing() {
        try (SmtpClient smtp = remoteClient("192.0.2.30")) {
            assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
            long start = System.nanoTime();
            SmtpClient.Reply rcpt = smtp.rcptTo(PostfixInstance.address("dave"));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(rcpt.code()).isEqualTo(250);
            // The list was asked at CONNECT with the same budget, so RCPT waits at most what is left of it; the
            // margin covers Postfix's own work on a loaded machine, not DNS.
            assertThat(waited).isLessThan(BUDGET.plusMillis(500));
            assertThat(smtp.data(TestMail.message("slow-dns", "sender@remote.test", PostfixInstance.address("dave"),
                    "while the blocklist sleeps")).code()).isEqualTo(250);
            smtp.quit();
        }
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered("dave", WAIT).get(0));
        assertThat(m.header("X-Postern-Symbols")).hasValueSatisfying(v -> assertThat(v.replace("\n\t", " "))
                .contains("RBL_TEMPERROR(0.00){timeout_at_connect}"));
    }

    /** A session that Postfix believes comes from {@code ip} (mail.remote.test) after XCLIENT. */
    private static SmtpClient remoteClient(String ip) {
        SmtpClient smtp = SmtpClient.connect(postfix.smtpPort());
        assertThat(smtp.ehlo("localhost").code()).isEqualTo(250);
        assertThat(smtp.xclient("NAME=mail.remote.test ADDR=" + ip).code()).isEqualTo(220);
        assertThat(smtp.ehlo("mail.remote.test").code()).isEqualTo(250);
        return smtp;
    }

    private static void send(SmtpClient smtp, String sender, String user, String subject) {
        assertThat(smtp.mailFrom(sender).code()).isEqualTo(250);
        assertThat(smtp.rcptTo(PostfixInstance.address(user)).code()).isEqualTo(250);
        assertThat(smtp.data(TestMail.message(user + "-" + System.nanoTime(), sender, PostfixInstance.address(user),
                subject)).code()).isEqualTo(250);
        smtp.quit();
    }

}
