package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;
import org.postern.daemon.Postern;

/**
 * Postern in this JVM behind a real Postfix: mail goes in over SMTP, and each test asserts what Postfix did with
 * Postern's answers (the delivered file, the SMTP replies, the hold queue, the mail log).
 *
 * <p>One Postern and one Postfix serve the whole class. Each verdict has its own sender in the local lists
 * ({@link #CONFIG}) and each test its own recipients, so tests do not see each other's mail.
 */
class PosternPostfixIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Postern's authserv-id; an incoming Authentication-Results with it is forged. */
    private static final String AUTHSERV_ID = "mx.example.test";

    /** Local lists: one sender per verdict. {@code %s} is the state directory. */
    private static final String CONFIG = """
            milter:
              listen: 127.0.0.1:0
            state_dir: %s
            authserv_id: mx.example.test
            lists:
              - match: sender
                value: spammer@bad.test
                action: reject
                reply: "550 5.7.1 Sender blocked by local policy"
              - match: sender
                value: multi@bad.test
                action: reject
                reply: "550 5.7.1 Blocked by local policy\\nAsk postmaster@example.test to let you through"
              - {match: sender, value: later@bad.test, action: soft_reject}
              - {match: sender, value: held@bad.test, action: quarantine}
              - {match: sender, value: dropped@bad.test, action: discard}
              - {match: sender, value: suspect@bad.test, score: 7}
              - {match: sender, value: spammy@bad.test, score: 9}
              - {match: sender, value: borderline@bad.test, score: 4}
            policy:
              recipients:
                - {match: oscar@example.test, spam_threshold: 3}
            """;

    private static final Pattern MILTER_TROUBLE = Pattern.compile("warning: .*[Mm]ilter");

    private static Path stateDir;
    private static Postern postern;
    private static PostfixInstance postfix;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("postern-it-state-");
        PosternConfig config = ConfigLoader.parse(CONFIG.formatted(stateDir), "PosternPostfixIT.CONFIG");
        postern = Postern.start(config);
        postfix = PostfixInstance.builder().milterPort(postern.milterAddress().getPort()).start();
    }

    @AfterAll
    static void stop() {
        try {
            Closing.closeAll(postern, postfix);
        } finally {
            TestFiles.deleteRecursively(stateDir);
        }
    }

    private int maillogOffset;

    @BeforeEach
    void markMaillog() {
        maillogOffset = postfix.maillog().length();
    }

    /** Postfix must have found nothing wrong with Postern's side of the protocol during the test. */
    @AfterEach
    void postfixLoggedNoMilterTrouble() {
        assertThat(postfix.maillog().substring(maillogOffset).lines()
                .filter(line -> MILTER_TROUBLE.matcher(line).find()))
                .as("milter warnings in Postfix's log").isEmpty();
    }

    @Test
    void addsSpamAndAuthenticationResultsHeaders() {
        SmtpClient.Reply queued = send("sender@remote.test", "alice", "Plain message", List.of());
        assertThat(queued.code()).isEqualTo(250);

        DeliveredMessage m = deliveredTo("alice");
        assertThat(m.header("X-Spam-Flag")).contains("NO");
        assertThat(m.header("X-Spam-Score")).hasValueSatisfying(v -> assertThat(v).matches("-?\\d+\\.\\d+"));
        assertThat(m.header("X-Spam-Status")).hasValueSatisfying(v -> assertThat(v).matches("(?s)No, "
                + "score=-?\\d+\\.\\d+\\s+required=6\\.0\\s+tests=\\S*\\s+autolearn=disabled\\s+version=Postern.*"));
        assertThat(m.header("X-Postern-Symbols")).isPresent();
        assertThat(m.all("Authentication-Results")).singleElement()
                .satisfies(ar -> assertThat(ar).startsWith(AUTHSERV_ID + ";"));
        // Just below Postfix's own Received: (milter-protocol.md §7: INSHEADER index 1).
        List<String> names = m.names();
        assertThat(names.indexOf("Authentication-Results")).isEqualTo(names.indexOf("Received") + 1);
        assertThat(m.header("Subject")).contains("Plain message");
    }

    @Test
    void removesForgedAuthenticationResultsAndKeepsForeignOnes() {
        send("sender@remote.test", "bob", "Forged results", List.of(
                "Authentication-Results: " + AUTHSERV_ID + "; spf=pass smtp.mailfrom=forged@remote.test",
                "Authentication-Results: other.example.net; spf=pass smtp.mailfrom=sender@remote.test"));

        DeliveredMessage m = deliveredTo("bob");
        List<String> results = m.all("Authentication-Results");
        assertThat(results).hasSize(2);
        assertThat(results).noneMatch(ar -> ar.contains("forged@remote.test"));
        assertThat(results).filteredOn(ar -> ar.startsWith(AUTHSERV_ID + ";")).hasSize(1);
        assertThat(results).contains("other.example.net; spf=pass smtp.mailfrom=sender@remote.test");
    }

    @Test
    void rejectsBlocklistedSenderAtRcptWithTheConfiguredText() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            assertThat(smtp.mailFrom("spammer@bad.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("carol@example.test").toString())
                    .isEqualTo("550 5.7.1 Sender blocked by local policy");
            assertThat(smtp.command("DATA").code()).isEqualTo(554);   // no valid recipients: nothing was sent
            assertThat(smtp.rset().code()).isEqualTo(250);

            assertThat(smtp.mailFrom("friend@remote.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("dave@example.test").toString()).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.data(TestMail.message("after-reject", "friend@remote.test", "dave@example.test",
                    "From a good sender")).code()).isEqualTo(250);
            smtp.quit();
        }

        postfix.awaitLogLine(Pattern.compile("NOQUEUE: milter-reject: RCPT from unknown\\[127\\.0\\.0\\.1\\]: "
                + "550 5\\.7\\.1 Sender blocked by local policy; from=<spammer@bad\\.test> to=<carol@example\\.test>"),
                WAIT);
        assertThat(deliveredTo("dave").header("Subject")).contains("From a good sender");
        assertThat(postfix.delivered("carol")).isEmpty();
    }

    @Test
    void aMultiLineReplyReachesTheClientLineByLine() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            smtp.mailFrom("multi@bad.test");
            SmtpClient.Reply rcpt = smtp.rcptTo("carol@example.test");
            assertThat(rcpt.code()).isEqualTo(550);
            assertThat(rcpt.lines()).containsExactly("5.7.1 Blocked by local policy",
                    "5.7.1 Ask postmaster@example.test to let you through");
            smtp.quit();
        }
    }

    @Test
    void recipientsWithDifferentPoliciesGetTheirOwnTransactionsAndVerdicts() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            assertThat(smtp.mailFrom("borderline@bad.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("oscar@example.test").code()).isEqualTo(250);
            // policy.conflicts: defer (the default): the recipient with the other policy comes back on its own.
            assertThat(smtp.rcptTo("rupert@example.test").toString())
                    .isEqualTo("452 4.5.3 Please send to this recipient in a separate transaction");
            assertThat(smtp.data(TestMail.message("policy-1", "borderline@bad.test", "oscar@example.test",
                    "Score 4")).code()).isEqualTo(250);
            assertThat(smtp.mailFrom("borderline@bad.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("rupert@example.test").code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message("policy-2", "borderline@bad.test", "rupert@example.test",
                    "Score 4")).code()).isEqualTo(250);
            smtp.quit();
        }
        assertThat(deliveredTo("oscar").header("X-Spam-Flag")).contains("YES");   // spam_threshold 3
        assertThat(deliveredTo("rupert").header("X-Spam-Flag")).contains("NO");   // the global add_header 6
    }

    @Test
    void softRejectTempfailsAndQueuesNothing() {
        List<String> queuedBefore = postfix.queuedIds();
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            smtp.mailFrom("later@bad.test");
            SmtpClient.Reply rcpt = smtp.rcptTo("erin@example.test");
            assertThat(rcpt.code()).as("RCPT reply %s", rcpt).isBetween(400, 499);
            assertThat(rcpt.text()).startsWith("4.");
            assertThat(smtp.command("DATA").code()).isEqualTo(554);
            smtp.quit();
        }

        String line = postfix.awaitLogLine(Pattern.compile("NOQUEUE: milter-reject: RCPT from .*"
                + "from=<later@bad\\.test> to=<erin@example\\.test>"), WAIT);
        assertThat(line).containsPattern(": 4\\d\\d 4\\.");
        assertThat(postfix.queuedIds()).isSubsetOf(queuedBefore);   // other tests leave held mail behind
        assertThat(postfix.delivered("erin")).isEmpty();
    }

    @Test
    void quarantineParksTheMessageInTheHoldQueue() {
        SmtpClient.Reply queued = send("held@bad.test", "frank", "Quarantine me", List.of());
        assertThat(queued.code()).isEqualTo(250);
        String queueId = queued.queueId().orElseThrow();

        postfix.awaitHeld(queueId, WAIT);
        postfix.awaitLogLine(Pattern.compile(queueId + ": milter-hold: END-OF-MESSAGE from "
                + "unknown\\[127\\.0\\.0\\.1\\]: milter triggers HOLD action"), WAIT);
        postfix.flush();
        assertThat(postfix.holdQueueIds()).contains(queueId);
        assertThat(postfix.delivered("frank")).isEmpty();
    }

    @Test
    void discardAcceptsAndDeliversNothing() {
        SmtpClient.Reply queued = send("dropped@bad.test", "grace", "Discard me", List.of());
        assertThat(queued.code()).isEqualTo(250);

        postfix.awaitLogLine(Pattern.compile("milter-discard: .*from=<dropped@bad\\.test> to=<grace@example\\.test>"),
                WAIT);
        assertThat(postfix.queuedIds()).doesNotContain(queued.queueId().orElse("none"));
        assertThat(postfix.delivered("grace")).isEmpty();
    }

    @Test
    void scoreAboveAddHeaderThresholdMarksTheMessageAsSpam() {
        send("suspect@bad.test", "heidi", "Somewhat suspect", List.of());

        DeliveredMessage m = deliveredTo("heidi");
        assertThat(m.header("X-Spam-Flag")).contains("YES");
        assertThat(m.header("X-Spam-Status"))
                .hasValueSatisfying(v -> assertThat(v).matches("(?s)Yes, score=7\\.0\\s+required=6\\.0.*"));
        assertThat(m.header("Subject")).contains("Somewhat suspect");
    }

    @Test
    void scoreAboveRewriteSubjectThresholdPrefixesTheSubject() {
        send("spammy@bad.test", "ivan", "Cheap watches", List.of());

        DeliveredMessage m = deliveredTo("ivan");
        assertThat(m.header("X-Spam-Flag")).contains("YES");
        assertThat(m.header("Subject")).contains("***SPAM*** Cheap watches");
    }

    @Test
    void givesEachMessageOfOneSessionItsOwnVerdict() {
        String heldId;
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            assertThat(transaction(smtp, "friend@remote.test", "judy", "First, clean").code()).isEqualTo(250);
            assertThat(transaction(smtp, "suspect@bad.test", "mallory", "Second, suspect").code()).isEqualTo(250);

            assertThat(smtp.mailFrom("spammer@bad.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("niaj@example.test").toString())
                    .isEqualTo("550 5.7.1 Sender blocked by local policy");
            assertThat(smtp.rset().code()).isEqualTo(250);

            SmtpClient.Reply held = transaction(smtp, "held@bad.test", "oscar", "Fourth, held");
            assertThat(held.code()).isEqualTo(250);
            heldId = held.queueId().orElseThrow();
            assertThat(transaction(smtp, "friend@remote.test", "sybil", "Fifth, clean again").code()).isEqualTo(250);
            smtp.quit();
        }

        assertThat(deliveredTo("judy").header("X-Spam-Flag")).contains("NO");
        assertThat(deliveredTo("mallory").header("X-Spam-Flag")).contains("YES");
        DeliveredMessage fifth = deliveredTo("sybil");
        assertThat(fifth.header("X-Spam-Flag")).contains("NO");
        assertThat(fifth.header("Subject")).contains("Fifth, clean again");
        postfix.awaitHeld(heldId, WAIT);
        assertThat(postfix.delivered("niaj")).isEmpty();
        assertThat(postfix.delivered("oscar")).isEmpty();
    }

    @Test
    void deliversMailFromTheSubmissionPort() {
        try (SmtpClient smtp = SmtpClient.connect(postfix.submissionPort())) {
            smtp.ehlo("laptop.example.test");
            assertThat(smtp.mailFrom("alice@example.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("peggy@example.test").code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message("outgoing-1", "alice@example.test", "peggy@example.test",
                    "Sent by a user")).code()).isEqualTo(250);
            smtp.quit();
        }

        DeliveredMessage m = deliveredTo("peggy");
        assertThat(m.header("Subject")).contains("Sent by a user");
        // Outgoing mail gets no receiving-side headers (README "Outgoing mail").
        assertThat(m.all("X-Spam-Flag")).isEmpty();
    }

    /** One SMTP session with one message; returns the reply to the final dot. */
    private static SmtpClient.Reply send(String sender, String user, String subject, List<String> extraHeaders) {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            assertThat(smtp.ehlo("client.remote.test").code()).isEqualTo(250);
            assertThat(smtp.mailFrom(sender).code()).isEqualTo(250);
            SmtpClient.Reply rcpt = smtp.rcptTo(PostfixInstance.address(user));
            assertThat(rcpt.code()).as("RCPT reply %s", rcpt).isEqualTo(250);
            SmtpClient.Reply queued = smtp.data(TestMail.message(user + "-" + System.nanoTime(), sender,
                    PostfixInstance.address(user), subject, extraHeaders));
            smtp.quit();
            return queued;
        }
    }

    /** MAIL, one RCPT and DATA in an open session; returns the reply to the final dot. */
    private static SmtpClient.Reply transaction(SmtpClient smtp, String sender, String user, String subject) {
        assertThat(smtp.mailFrom(sender).code()).isEqualTo(250);
        SmtpClient.Reply rcpt = smtp.rcptTo(PostfixInstance.address(user));
        assertThat(rcpt.code()).as("RCPT reply %s", rcpt).isEqualTo(250);
        return smtp.data(TestMail.message(user + "-" + System.nanoTime(), sender, PostfixInstance.address(user),
                subject));
    }

    /** The one message delivered to {@code user}, waiting for it. */
    private static DeliveredMessage deliveredTo(String user) {
        List<Path> files = postfix.awaitDelivered(user, WAIT);
        assertThat(files).as("messages for %s", user).hasSize(1);
        return DeliveredMessage.read(files.get(0));
    }
}
