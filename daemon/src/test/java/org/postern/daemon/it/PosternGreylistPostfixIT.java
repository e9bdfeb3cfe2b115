package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;
import org.postern.daemon.Postern;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/**
 * Greylisting through a real Postfix (issue #6), with a clock the test moves instead of waiting five minutes. XCLIENT
 * presents each test's remote client; every test uses its own client network, so auto-allowlisting in one does not
 * help another. {@code min_score: ~} greylists every unknown triplet, so the exemptions are what is tested.
 */
class PosternGreylistPostfixIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration AFTER_DELAY = Duration.ofMinutes(6);
    private static final String GREYLISTED = "451 4.7.1 Greylisted, please try again later";

    private static Path stateDir;
    private static LoopbackDnsServer dns;
    private static MovableClock clock;
    private static PosternConfig config;
    private static Postern postern;
    private static PostfixInstance postfix;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("postern-it-state-");
        dns = LoopbackDnsServer.start(DnsZone.empty());
        clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
        int milterPort = LoopbackPorts.free();
        config = ConfigLoader.parse("""
                milter:
                  listen: 127.0.0.1:%d
                state_dir: %s
                authserv_id: mx.example.test
                dns:
                  servers: ["127.0.0.1:%d"]
                greylist:
                  delay: 5m
                  auto_allowlist_after: 2
                  min_score: ~
                """.formatted(milterPort, stateDir, dns.address().getPort()), "PosternGreylistPostfixIT");
        postern = Postern.start(config, clock);
        postfix = PostfixInstance.builder().milterPort(milterPort).start();
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
    void aNewTripletIsDeferredAndTheRetryAfterTheDelayIsDelivered() {
        assertThat(rcpt(postfix.smtpPort(), "192.0.2.50", "[UNAVAILABLE]", "sender@remote.test", "alice"))
                .isEqualTo(GREYLISTED);
        assertThat(rcpt(postfix.smtpPort(), "192.0.2.50", "[UNAVAILABLE]", "sender@remote.test", "alice"))
                .as("a retry before the delay").isEqualTo(GREYLISTED);
        clock.advance(AFTER_DELAY);
        deliver(postfix.smtpPort(), "192.0.2.51", "[UNAVAILABLE]", "sender@remote.test", "alice");
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered("alice", WAIT).get(0));
        assertThat(m.header("X-Postern-Symbols")).hasValueSatisfying(v -> assertThat(v.replace("\n\t", " "))
                .contains("GREYLIST_PASSED(0.00){retry_after_delay}"));
    }

    @Test
    void anAutoAllowlistedClientIsNotDelayed() {
        for (String user : new String[] {"bob", "carol"}) {
            assertThat(rcpt(postfix.smtpPort(), "198.51.100.60", "[UNAVAILABLE]", "news@remote.test", user))
                    .isEqualTo(GREYLISTED);
        }
        clock.advance(AFTER_DELAY);
        deliver(postfix.smtpPort(), "198.51.100.60", "[UNAVAILABLE]", "news@remote.test", "bob");
        deliver(postfix.smtpPort(), "198.51.100.60", "[UNAVAILABLE]", "news@remote.test", "carol");
        // Two triplets passed (auto_allowlist_after: 2): a new sender and recipient from that network go through.
        deliver(postfix.smtpPort(), "198.51.100.61", "[UNAVAILABLE]", "other@elsewhere.test", "dave");
        assertThat(postfix.awaitDelivered("dave", WAIT)).hasSize(1);
    }

    @Test
    void anAllowlistedBigSenderIsNotDelayed() {
        deliver(postfix.smtpPort(), "209.85.210.41", "mail-ot1-f41.google.com", "someone@gmail.com", "erin");
        assertThat(postfix.awaitDelivered("erin", WAIT)).hasSize(1);
    }

    @Test
    void mailFromTheSubmissionServiceIsNotDelayed() {
        deliver(postfix.submissionPort(), "100.64.0.9", "[UNAVAILABLE]", "frank@example.test", "frank");
        assertThat(postfix.awaitDelivered("frank", WAIT)).hasSize(1);
    }

    @Test
    void greylistingStateSurvivesADaemonRestart() {
        assertThat(rcpt(postfix.smtpPort(), "203.0.113.70", "[UNAVAILABLE]", "sender@remote.test", "grace"))
                .isEqualTo(GREYLISTED);
        postern.close();
        postern = Postern.start(config, clock);   // same state_dir, same port
        clock.advance(AFTER_DELAY);
        deliver(postfix.smtpPort(), "203.0.113.70", "[UNAVAILABLE]", "sender@remote.test", "grace");
        assertThat(postfix.awaitDelivered("grace", WAIT)).hasSize(1);
    }

    /** One session from a remote client (XCLIENT); the RCPT reply for {@code user}. */
    private static String rcpt(int port, String ip, String name, String sender, String user) {
        try (SmtpClient smtp = remote(port, ip, name)) {
            assertThat(smtp.mailFrom(sender).code()).isEqualTo(250);
            String reply = smtp.rcptTo(PostfixInstance.address(user)).toString();
            smtp.quit();
            return reply;
        }
    }

    /** One session that must be accepted at RCPT and delivered. */
    private static void deliver(int port, String ip, String name, String sender, String user) {
        try (SmtpClient smtp = remote(port, ip, name)) {
            assertThat(smtp.mailFrom(sender).code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address(user)).toString()).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.data(TestMail.message(user + "-" + System.nanoTime(), sender,
                    PostfixInstance.address(user), "greylisting")).code()).isEqualTo(250);
            smtp.quit();
        }
    }

    private static SmtpClient remote(int port, String ip, String name) {
        SmtpClient smtp = SmtpClient.connect(port);
        assertThat(smtp.ehlo("localhost").code()).isEqualTo(250);
        assertThat(smtp.xclient("NAME=" + name + " ADDR=" + ip).code()).isEqualTo(220);
        assertThat(smtp.ehlo("client.remote.test").code()).isEqualTo(250);
        return smtp;
    }
}
