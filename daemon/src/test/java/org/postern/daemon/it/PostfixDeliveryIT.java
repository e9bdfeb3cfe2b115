package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the harness itself, with no milter listening: {@link PostfixInstance} starts a Postfix that delivers into its
 * Maildirs, applies {@code milter_default_action = accept} when the milter is unreachable, relays nothing, parks mail
 * in the hold queue and follows {@link PostfixInstance#reconfigure}; {@link SmtpClient} sees each reply exactly.
 */
class PostfixDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static int deadMilterPort;
    private static PostfixInstance postfix;

    @BeforeAll
    static void startPostfix() {
        deadMilterPort = LoopbackPorts.free();
        postfix = PostfixInstance.builder()
                .milterPort(deadMilterPort)
                .mainCf("smtpd_sender_restrictions", "check_sender_access inline:{ hold@remote.test=HOLD }")
                .start();
    }

    @AfterAll
    static void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    void deliversIntoMaildirWhenNoMilterListens() {
        String id = "no-milter-1";
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            assertThat(smtp.greeting().text()).startsWith(PostfixInstance.HOSTNAME + " ESMTP");
            assertThat(smtp.ehlo("client.remote.test").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("sender@remote.test").toString()).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.rcptTo("alice@example.test").toString()).isEqualTo("250 2.1.5 Ok");
            SmtpClient.Reply queued = smtp.data(
                    TestMail.message(id, "sender@remote.test", "alice@example.test", "Harness check"));
            assertThat(queued.code()).isEqualTo(250);
            assertThat(queued.queueId()).isPresent();
            assertThat(smtp.quit().code()).isEqualTo(221);
        }

        List<java.nio.file.Path> files = postfix.awaitDelivered("alice", WAIT);
        assertThat(files).hasSize(1);
        DeliveredMessage delivered = DeliveredMessage.read(files.get(0));
        assertThat(delivered.header("Subject")).contains("Harness check");
        assertThat(delivered.header("Message-ID")).contains("<" + id + "@remote.test>");
        assertThat(delivered.header("Delivered-To")).contains("alice@example.test");
        assertThat(delivered.header("Return-Path")).contains("<sender@remote.test>");
        assertThat(delivered.body()).contains("this is test message " + id + ".\n.A line that starts with a dot.\n");
        // Postfix tried the milter, found nobody and applied milter_default_action = accept.
        postfix.awaitLogLine(Pattern.compile("warning: connect to Milter service inet:127\\.0\\.0\\.1:"
                + deadMilterPort + ": Connection refused"), WAIT);
    }

    @Test
    void deliversSeveralMessagesOfOneSessionAndForgetsAResetTransaction() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            for (int i = 1; i <= 2; i++) {
                assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
                assertThat(smtp.rcptTo("bob@example.test").code()).isEqualTo(250);
                assertThat(smtp.data(TestMail.message("session-" + i, "sender@remote.test", "bob@example.test",
                        "Message " + i)).code()).isEqualTo(250);
            }
            assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("carol@example.test").code()).isEqualTo(250);
            assertThat(smtp.rset().toString()).isEqualTo("250 2.0.0 Ok");
            assertThat(smtp.quit().code()).isEqualTo(221);
        }

        List<java.nio.file.Path> files = postfix.awaitDelivered("bob", 2, WAIT);
        assertThat(files).extracting(f -> DeliveredMessage.read(f).header("Subject").orElseThrow())
                .containsExactlyInAnyOrder("Message 1", "Message 2");
        assertThat(postfix.delivered("carol")).isEmpty();
    }

    @Test
    void submissionPortDeliversToo() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.submissionPort())) {
            smtp.ehlo("laptop.example.test");
            smtp.mailFrom("dave@example.test");
            assertThat(smtp.rcptTo("erin@example.test").code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message("submission-1", "dave@example.test", "erin@example.test",
                    "From the submission port")).code()).isEqualTo(250);
            smtp.quit();
        }

        assertThat(DeliveredMessage.read(postfix.awaitDelivered("erin", WAIT).get(0)).header("Subject"))
                .contains("From the submission port");
        postfix.awaitLogLine(Pattern.compile("postfix/submission/smtpd\\[\\d+\\]: [0-9A-F]+: client="), WAIT);
    }

    @Test
    void rejectsUnknownMailboxAtRcpt() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            smtp.mailFrom("sender@remote.test");
            assertThat(smtp.rcptTo("nobody-here@example.test").toString()).isEqualTo(
                    "550 5.1.1 <nobody-here@example.test>: Recipient address rejected: "
                            + "User unknown in virtual mailbox table");
            smtp.quit();
        }
    }

    @Test
    void relaysNothingOffTheMachine() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            smtp.mailFrom("frank@example.test");
            // 127.0.0.1 is in mynetworks, so relaying would be allowed; the error relay_transport makes smtpd refuse
            // the recipient outright, before anything is queued.
            assertThat(smtp.rcptTo("someone@elsewhere.test").toString()).isEqualTo(
                    "550 5.7.1 <someone@elsewhere.test>: Recipient address rejected: the test instance relays nothing");
            smtp.quit();
        }
    }

    @Test
    void holdQueueIdsListsHeldMessages() {
        String queueId;
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            smtp.mailFrom("hold@remote.test");
            smtp.rcptTo("grace@example.test");
            SmtpClient.Reply queued = smtp.data(TestMail.message("hold-1", "hold@remote.test", "grace@example.test",
                    "Hold me"));
            assertThat(queued.code()).isEqualTo(250);
            queueId = queued.queueId().orElseThrow();
            smtp.quit();
        }

        postfix.awaitHeld(queueId, WAIT);
        assertThat(postfix.holdQueueIds()).contains(queueId);
        assertThat(postfix.queuedIds()).contains(queueId);
        postfix.flush();
        assertThat(postfix.delivered("grace")).isEmpty();
    }

    @Test
    void reconfigurePointsNewSessionsAtAnotherMilter() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
            // Accept Postfix's milter connection and hang up at once: Postfix logs a handshake error and, with
            // milter_default_action = accept, delivers anyway.
            CompletableFuture<Integer> connectedFrom = CompletableFuture.supplyAsync(() -> {
                try (Socket s = other.accept()) {
                    return s.getPort();
                } catch (IOException e) {
                    return -1;
                }
            });
            try {
                postfix.reconfigure(other.getLocalPort());
                try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
                    smtp.ehlo("client.remote.test");
                    smtp.mailFrom("sender@remote.test");
                    smtp.rcptTo("heidi@example.test");
                    assertThat(smtp.data(TestMail.message("reconfigured-1", "sender@remote.test",
                            "heidi@example.test", "After reconfigure")).code()).isEqualTo(250);
                    smtp.quit();
                }
                assertThat(connectedFrom.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
                assertThat(postfix.awaitDelivered("heidi", WAIT)).hasSize(1);
            } finally {
                connectedFrom.cancel(true);
                postfix.reconfigure(deadMilterPort);
            }
        }
    }
}
