package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.dns.LoopbackDnsServer;
import org.postern.daemon.Postern;
import org.postern.milter.Transcript;

/**
 * Records milter conversations between a real Postfix and Postern (Postfix → {@link RecordingMilterProxy} → Postern)
 * as golden transcripts for milter-core's replay tests
 * ({@code milter-core/src/test/resources/transcripts/postfix-*.txt}, format: {@link Transcript}).
 *
 * <p>Every run records and checks the conversations (each frame decodes to a named line, no RAW, and the lines that
 * make the scenario are there); only with {@code -Dpostern.recordTranscripts=true} are the files written:
 * <pre>
 * mvn -B -pl daemon -am verify -Dit.test=PostfixTranscriptIT -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dpostern.recordTranscripts=true
 * </pre>
 * Each session starts with XCLIENT, so the recorded CONNECT carries a fixed remote client (mail.remote.test,
 * 192.0.2.10, port 41234) rather than 127.0.0.1 and an ephemeral port; the queue ids in the {@code i} macros stay
 * real. The conversation before XCLIENT (the loopback connection, ended by Postfix with QUIT) is not written.
 */
class PostfixTranscriptIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final boolean RECORD = Boolean.getBoolean("postern.recordTranscripts");
    private static final String XCLIENT = "NAME=mail.remote.test ADDR=192.0.2.10 PORT=41234";

    private static Path stateDir;
    private static LoopbackDnsServer dns;
    private static Postern postern;
    private static RecordingMilterProxy proxy;
    private static PostfixInstance postfix;

    @BeforeAll
    static void start() throws IOException {
        stateDir = Files.createTempDirectory("postern-it-state-");
        dns = LoopbackDnsServer.start("remote.test. TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n");
        postern = Postern.start(ConfigLoader.parse("""
                milter:
                  listen: 127.0.0.1:0
                state_dir: %s
                authserv_id: mx.example.test
                dns:
                  servers: ["127.0.0.1:%d"]
                lists:
                  - match: sender
                    value: spammer@bad.test
                    action: reject
                    reply: "550 5.7.1 Sender blocked by local policy"
                """.formatted(stateDir, dns.address().getPort()), "PostfixTranscriptIT"));
        proxy = RecordingMilterProxy.start(postern.milterAddress());
        postfix = PostfixInstance.builder().milterPort(proxy.port()).start();
    }

    @AfterAll
    static void stop() {
        try {
            Closing.closeAll(postern, proxy, postfix, dns);
        } finally {
            TestFiles.deleteRecursively(stateDir);
        }
    }

    @Test
    void recordsADeliveredMessageWithAddedHeaders() throws IOException {
        List<String> lines = record(smtp -> {
            smtp.mailFrom("sender@remote.test", "BODY=8BITMIME");
            smtp.rcptTo("alice@example.test");
            assertThat(smtp.data(TestMail.message("transcript-1", "sender@remote.test", "alice@example.test",
                    "Recorded message")).code()).isEqualTo(250);
        });

        assertThat(lines).contains("> MAIL sender=<sender@remote.test> arg=BODY=8BITMIME",
                "> RCPT rcpt=<alice@example.test>", "> EOM");
        // With SMFIP_HDR_LEADSPC negotiated, header values keep their leading space (written \s).
        assertThat(lines).anyMatch(l -> l.matches("> HEADER name=Subject value=(\\\\s)?Recorded\\\\smessage"));
        assertThat(lines).anyMatch(l -> l.matches("< INSHEADER index=\\d+ name=Authentication-Results .*"));
        assertThat(lines).anyMatch(l -> l.matches("< INSHEADER index=1 name=Received-SPF value=(\\\\s)?pass.*"));
        assertThat(lines).anyMatch(l -> l.matches("< (ADD|INS)HEADER .*name=X-Spam-Flag value=(\\\\s)?NO"));
        assertThat(postfix.awaitDelivered("alice", WAIT)).hasSize(1);
        write("postfix-delivered-with-headers", "A clean message from a remote client, delivered with Postern's "
                + "headers (Authentication-Results, X-Spam-*, symbols).", lines);
    }

    @Test
    void recordsARejectAtRcpt() throws IOException {
        List<String> lines = record(smtp -> {
            smtp.mailFrom("spammer@bad.test");
            assertThat(smtp.rcptTo("bob@example.test").toString())
                    .isEqualTo("550 5.7.1 Sender blocked by local policy");
        });

        assertThat(lines).contains("> MAIL sender=<spammer@bad.test>", "> RCPT rcpt=<bob@example.test>",
                "< REPLYCODE 550 5.7.1 Sender blocked by local policy");
        assertThat(lines).doesNotContain("> DATA");
        write("postfix-rcpt-reject", "A blocklisted sender (local list, action reject with its own reply) refused "
                + "at RCPT; the client then quits.", lines);
    }

    @Test
    void recordsTwoMessagesInOneSessionWithRset() throws IOException {
        List<String> lines = record(smtp -> {
            for (String user : List.of("carol", "dave")) {
                smtp.mailFrom("sender@remote.test");
                smtp.rcptTo(PostfixInstance.address(user));
                assertThat(smtp.data(TestMail.message("transcript-" + user, "sender@remote.test",
                        PostfixInstance.address(user), "For " + user)).code()).isEqualTo(250);
                assertThat(smtp.rset().code()).isEqualTo(250);
            }
            smtp.mailFrom("sender@remote.test");
            smtp.rcptTo("erin@example.test");
            assertThat(smtp.rset().code()).isEqualTo(250);
        });

        assertThat(lines.stream().filter(l -> l.equals("> EOM"))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.startsWith("> MAIL "))).hasSize(3);
        assertThat(lines).contains("> RCPT rcpt=<erin@example.test>");
        assertThat(postfix.awaitDelivered("carol", WAIT)).hasSize(1);
        assertThat(postfix.awaitDelivered("dave", WAIT)).hasSize(1);
        write("postfix-two-messages-rset", "Two delivered messages in one SMTP session with RSET after each, then a "
                + "third transaction (MAIL, RCPT) abandoned with RSET.", lines);
    }

    /** A transaction run inside one recorded session. */
    private interface Session {
        void run(SmtpClient smtp);
    }

    /**
     * Runs one SMTP session (greeting, EHLO, XCLIENT, EHLO, {@code body}, QUIT) and returns the transcript lines of
     * its milter conversation after XCLIENT.
     */
    private static List<String> record(Session body) {
        int first = proxy.conversationCount();
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            assertThat(smtp.ehlo("localhost").code()).isEqualTo(250);
            assertThat(smtp.xclient(XCLIENT).code()).isEqualTo(220);
            assertThat(smtp.ehlo("mail.remote.test").code()).isEqualTo(250);
            body.run(smtp);
            assertThat(smtp.quit().code()).isEqualTo(221);
        }
        proxy.awaitConversation(first, WAIT);   // the loopback connection that XCLIENT ended
        List<RecordingMilterProxy.Frame> frames = proxy.awaitConversation(first + 1, WAIT);

        List<String> lines = new ArrayList<>();
        for (RecordingMilterProxy.Frame frame : frames) {
            Transcript.Direction direction = frame.direction() == RecordingMilterProxy.Direction.TO_MILTER
                    ? Transcript.Direction.TO_MILTER : Transcript.Direction.TO_MTA;
            List<Transcript.Entry> entries = Transcript.fromWire(direction, frame.bytes());
            assertThat(entries).hasSize(1);
            lines.add(Transcript.format(entries.get(0)));
        }
        assertThat(lines).as("frames without a faithful line").noneMatch(l -> l.substring(1).startsWith(" RAW "));
        assertThat(lines.get(0)).isEqualTo("> OPTNEG version=6 actions=0x1ff protocol=0x1fffff");
        assertThat(lines).contains("> CONNECT host=mail.remote.test family=4 port=41234 addr=192.0.2.10");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("> QUIT");
        return lines;
    }

    /** Writes {@code postfix-<scenario>.txt} when recording is on. */
    private static void write(String scenario, String description, List<String> lines) throws IOException {
        if (!RECORD) {
            return;
        }
        Path dir = transcriptDir();
        Files.createDirectories(dir);
        List<String> file = new ArrayList<>();
        file.add("# " + description);
        file.add("# Recorded from Postfix " + postfixVersion() + " and Postern by daemon/.../it/PostfixTranscriptIT "
                + "(-Dpostern.recordTranscripts=true).");
        file.add("# Client identity set with XCLIENT " + XCLIENT + "; queue ids (macro i) are real.");
        file.addAll(lines);
        Files.write(dir.resolve(scenario + ".txt"), file, StandardCharsets.UTF_8);
    }

    private static Path transcriptDir() {
        String explicit = System.getProperty("postern.transcriptDir");
        if (explicit != null) {
            return Path.of(explicit);
        }
        // Failsafe runs in daemon/ and sets basedir to it.
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return basedir.resolve("../milter-core/src/test/resources/transcripts").normalize();
    }

    private static String postfixVersion() {
        return postfix.maillog().lines()
                .map(l -> l.replaceFirst(".*daemon started -- version ([^,]+),.*", "$1"))
                .filter(v -> v.matches("[0-9.]+"))
                .findFirst().orElse("3.x");
    }
}
