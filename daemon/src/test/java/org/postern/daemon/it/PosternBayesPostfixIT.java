package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.bayes.LmdbBayesStore;
import org.postern.config.ConfigLoader;
import org.postern.daemon.Postern;
import org.postern.daemon.cli.PosternCommand;
import org.postern.daemon.pipeline.BayesTraining;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Per-user Bayes through a real Postfix (issue #5): alice's model was trained to call offers spam and bob's to call
 * them ham (200 generated messages of each class each, with the store's own API). One offer sent to both in one
 * SMTP transaction gets each recipient's own result recorded in the message log line, and {@code postern check
 * --user} on each delivered file gives that user's verdict with the milter pass's objective score carried over.
 */
class PosternBayesPostfixIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * XCLIENT presents a remote client (loopback clients are not classified); DNS answers nothing, so SPF and DMARC
     * say none. The local list gives the objective score that must be carried over. alice marks spam from 5;
     * {@code strictest} keeps bob in the same transaction.
     */
    private static final String CONFIG = """
            milter:
              listen: 127.0.0.1:0
            state_dir: %s
            authserv_id: mx.example.test
            dns:
              servers: ["127.0.0.1:%d"]
            greylist:
              enabled: false
            lists:
              - {match: sender, value: offers.test, score: 2.5}
            policy:
              conflicts: strictest
              recipients:
                - {match: alice@example.test, spam_threshold: 5}
            """;

    private static final Pattern SYMBOL = Pattern.compile("([A-Z][A-Z0-9_]*)\\((-?\\d+\\.\\d\\d)\\)");

    private static Path stateDir;
    private static Path configFile;
    private static LoopbackDnsServer dns;
    private static Postern postern;
    private static PostfixInstance postfix;
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("postern-it-state-");
        try (LmdbBayesStore store = LmdbBayesStore.open(stateDir.resolve("bayes"))) {
            BayesTraining.train(store, "alice@example.test", true, 200);
            BayesTraining.train(store, "bob@example.test", false, 200);
        }
        dns = LoopbackDnsServer.start(DnsZone.empty());
        configFile = stateDir.resolve("postern.yml");
        Files.writeString(configFile, CONFIG.formatted(stateDir, dns.address().getPort()));
        Logger messageLog = (Logger) LoggerFactory.getLogger("postern");
        LOG.start();
        messageLog.addAppender(LOG);
        messageLog.setLevel(Level.INFO);
        messageLog.setAdditive(false);
        postern = Postern.start(ConfigLoader.load(configFile));
        postfix = PostfixInstance.builder().milterPort(postern.milterAddress().getPort()).start();
    }

    @AfterAll
    static void stop() {
        Logger messageLog = (Logger) LoggerFactory.getLogger("postern");
        messageLog.detachAppender(LOG);
        messageLog.setLevel(null);
        messageLog.setAdditive(true);
        try {
            Closing.closeAll(postern, postfix, dns);
        } finally {
            TestFiles.deleteRecursively(stateDir);
        }
    }

    @Test
    void twoRecipientsGetTheirOwnBayesResultAndPosternCheckGivesEachItsVerdict() throws Exception {
        String offer = new String(BayesTraining.offer(1000), StandardCharsets.UTF_8);
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            assertThat(smtp.ehlo("localhost").code()).isEqualTo(250);
            assertThat(smtp.xclient("NAME=mail.offers.test ADDR=192.0.2.20").code()).isEqualTo(220);
            assertThat(smtp.ehlo("mail.offers.test").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("promo1000@offers.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address("alice")).code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address("bob")).code()).isEqualTo(250);
            assertThat(smtp.data(offer).code()).isEqualTo(250);
            smtp.quit();
        }
        Path toAlice = postfix.awaitDelivered("alice", WAIT).get(0);
        Path toBob = postfix.awaitDelivered("bob", WAIT).get(0);

        // The milter pass recorded each recipient's own result (the log line is written before the reply).
        String line = LOG.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains("from=<promo1000@offers.test>")).findFirst().orElseThrow();
        assertThat(line).containsPattern("bayes=alice@example\\.test=alice@example\\.test:user:(0\\.9\\d+|1\\.0+):"
                + "BAYES_SPAM\\(\\d\\.\\d\\d\\)\\S*,bob@example\\.test=bob@example\\.test:user:0\\.(0\\d+|1000):"
                + "BAYES_HAM\\(-\\d\\.\\d\\d\\)");
        // One set of headers for both: the lowest Bayes score (bob's), no recipient named.
        String milterSymbols = DeliveredMessage.read(toAlice).header("X-Postern-Symbols").orElseThrow();
        assertThat(milterSymbols).contains("LOCAL_SENDER_").contains("BAYES_HAM(").doesNotContain("alice")
                .doesNotContain("bob");
        // Sealed with the key the daemon made in the state directory: check carries it over only if it verifies.
        assertThat(milterSymbols).containsPattern(" mac=[A-Za-z0-9_-]{22}$");
        double objective = objectiveScore(milterSymbols);
        assertThat(objective).isEqualTo(2.5);

        // The daemon holds the store open; one process must not open an LMDB environment twice.
        postern.close();
        postern = null;

        JsonNode alice = check("alice@example.test", toAlice);
        assertThat(alice.get("action").asText()).isEqualTo("add_header");
        assertThat(alice.get("bayes_probability").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(lastSymbol(alice)).isEqualTo("BAYES_SPAM");
        assertThat(alice.get("score").asDouble()).isCloseTo(objective + lastScore(alice),
                org.assertj.core.data.Offset.offset(0.005));

        JsonNode bob = check("bob@example.test", toBob);
        assertThat(bob.get("action").asText()).isEqualTo("no_action");
        assertThat(bob.get("bayes_probability").asDouble()).isLessThanOrEqualTo(0.1);
        assertThat(lastSymbol(bob)).isEqualTo("BAYES_HAM");
        assertThat(bob.get("score").asDouble()).isCloseTo(objective + lastScore(bob),
                org.assertj.core.data.Offset.offset(0.005));
        // Everything but the Bayes symbol is the milter pass's, name for name.
        assertThat(names(alice).subList(0, names(alice).size() - 1)).isEqualTo(nonBayesNames(milterSymbols))
                .isEqualTo(names(bob).subList(0, names(bob).size() - 1));
    }

    /** {@code postern check --user USER --json FILE} in this JVM. */
    private static JsonNode check(String user, Path file) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new PosternCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("check", "--config", configFile.toString(), "--user", user, "--json", file.toString());
        assertThat(code).as("exit status; stderr: " + err).isZero();
        return JSON.readTree(out.toString());
    }

    private static double objectiveScore(String symbolsHeader) {
        double sum = 0;
        Matcher m = SYMBOL.matcher(symbolsHeader);
        while (m.find()) {
            sum += m.group(1).startsWith("BAYES_") ? 0 : Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private static List<String> nonBayesNames(String symbolsHeader) {
        List<String> names = new ArrayList<>();
        Matcher m = SYMBOL.matcher(symbolsHeader);
        while (m.find()) {
            if (!m.group(1).startsWith("BAYES_")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static List<String> names(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.get("symbols").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    private static String lastSymbol(JsonNode line) {
        JsonNode symbols = line.get("symbols");
        return symbols.get(symbols.size() - 1).get("name").asText();
    }

    private static double lastScore(JsonNode line) {
        JsonNode symbols = line.get("symbols");
        return symbols.get(symbols.size() - 1).get("score").asDouble();
    }
}
