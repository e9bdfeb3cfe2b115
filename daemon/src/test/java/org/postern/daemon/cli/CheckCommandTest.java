package org.postern.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.LmdbBayesStore;
import org.postern.daemon.pipeline.BayesTraining;
import org.postern.daemon.pipeline.DeliveryCheck;
import org.postern.daemon.pipeline.SymbolsSeal;
import picocli.CommandLine;

/**
 * {@code postern check} against a token store in a temporary directory: alice's model finds offers spam, bob's finds
 * them ham, and the milter pass's symbols header carries an objective score of 3.
 */
class CheckCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the milter pass wrote: objective symbols worth 3.00 and its (another recipient's) Bayes symbol. */
    private static final String MILTER_SYMBOLS = " score=0.00 action=no_action;"
            + " SPF_SOFTFAIL(0.50),\r\n\tLOCAL_SENDER_BLOCK(2.50){offers.test}, BAYES_HAM(-3.00){0.0000}";

    @TempDir
    Path dir;
    private Path config;
    /** The daemon's key, as it makes it in the state directory on its first start. */
    private SymbolsSeal seal;

    @BeforeEach
    void trainAndConfigure() throws Exception {
        try (LmdbBayesStore store = LmdbBayesStore.open(dir.resolve("state/bayes"),
                LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16)) {
            BayesTraining.train(store, "alice@example.test", true, 6);
            BayesTraining.train(store, "bob@example.test", false, 6);
        }
        seal = SymbolsSeal.openOrCreate(dir.resolve("state"));
        config = dir.resolve("postern.yml");
        Files.writeString(config, """
                bayes:
                  min_spam: 5
                  min_ham: 5
                  users: {"info@example.test": alice@example.test, "abuse@example.test": alice@example.test}
                lists:
                  - {match: recipient, value: abuse@example.test, action: accept}
                policy:
                  recipients:
                    - {match: alice@example.test, spam_threshold: 5, rewrite_subject: 20}
                """);
    }

    @Test
    void eachUserGetsItsOwnVerdictWithTheMilterScoreCarriedOver() throws Exception {
        Path message = write("offer.eml", delivered(BayesTraining.offer(50)));

        JsonNode alice = JSON.readTree(run("--user", "alice@example.test", "--json", message.toString()).out);
        assertThat(alice.get("file").asText()).isEqualTo(message.toString());
        assertThat(alice.get("action").asText()).isEqualTo("add_header");
        assertThat(alice.get("bayes_probability").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(names(alice)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK", "BAYES_SPAM");
        assertThat(alice.get("score").asDouble()).isEqualTo(3.0 + alice.get("symbols").get(2).get("score").asDouble(),
                org.assertj.core.data.Offset.offset(0.005));
        assertThat(alice.get("symbols").get(2).get("score").asDouble()).isBetween(2.55, 5.1);

        JsonNode bob = JSON.readTree(run("--user", "Bob+work@Example.test", "--json", message.toString()).out);
        assertThat(bob.get("action").asText()).isEqualTo("no_action");
        assertThat(bob.get("bayes_probability").asDouble()).isLessThanOrEqualTo(0.1);
        assertThat(names(bob)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK", "BAYES_HAM");
        assertThat(bob.get("score").asDouble()).isBetween(0.0, 1.5);
    }

    @Test
    void printsTheHeadersPosternWouldAdd() throws Exception {
        Path message = write("offer.eml", delivered(BayesTraining.offer(51)));
        // info@ is an alias of alice for Bayes (bayes.users), with the global policy (6 to mark, 8 to rewrite).
        Run alice = run("--user", "info@example.test", message.toString());
        assertThat(alice.code).isZero();
        assertThat(alice.out).startsWith("X-Spam-Flag: YES\n").contains("\nX-Spam-Score: ")
                .containsPattern("\nX-Spam-Status: Yes, score=\\d+\\.\\d required=6\\.0")
                .containsPattern("\nX-Postern-Symbols: score=\\d+\\.\\d\\d action=(add_header|rewrite_subject);")
                .contains("BAYES_SPAM(");
        if (alice.out.contains("action=rewrite_subject")) {
            assertThat(alice.out).contains("\nSubject: ***SPAM*** Exclusive bonus 51 for you\n");
        }
        assertThat(alice.out).doesNotContain("BAYES_HAM");
    }

    @Test
    void aUserWithoutAModelGetsNoBayesSymbolAndTheMilterScoreOnly() throws Exception {
        Path message = write("offer.eml", delivered(BayesTraining.offer(52)));
        JsonNode carol = JSON.readTree(run("--user", "carol@example.test", "--json", message.toString()).out);
        assertThat(carol.get("bayes_probability").isNull()).isTrue();
        assertThat(carol.get("score").asDouble()).isEqualTo(3.0);
        assertThat(carol.get("action").asText()).isEqualTo("no_action");
        assertThat(names(carol)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK");
    }

    @Test
    void anActionTheMilterPassForcedStandsOverTheUsersOwnVerdict() throws Exception {
        // A local list accept of the sender: alice's model finds the offer spam, the accept still stands.
        String accepted = " score=0.00 action=no_action forced=no_action; LOCAL_SENDER_ALLOW(0.00){offers.test}";
        Path allowed = write("allowed.eml", delivered(BayesTraining.offer(60), accepted));
        JsonNode alice = JSON.readTree(run("--user", "alice@example.test", "--json", allowed.toString()).out);
        assertThat(names(alice)).containsExactly("LOCAL_SENDER_ALLOW", "BAYES_SPAM");
        assertThat(alice.get("score").asDouble()).isGreaterThan(5.0);
        assertThat(alice.get("action").asText()).isEqualTo("no_action");

        // DMARC quarantine, released from the hold queue: bob's model finds it ham, it is still marked.
        String quarantined = " score=1.50 action=quarantine forced=quarantine;"
                + " DMARC_FAIL_QUARANTINE(1.50){offers.test}";
        Path held = write("held.eml", delivered(BayesTraining.offer(62), quarantined));
        Run bob = run("--user", "bob@example.test", held.toString());
        assertThat(bob.out).startsWith("X-Spam-Flag: YES\n").contains("action=quarantine forced=quarantine;");

        // Without the seal, a sender's forced= is nobody's: alice's own verdict decides.
        Path forged = write("forged-accept.eml", withSymbolsHeader(BayesTraining.offer(61), accepted));
        JsonNode forgedAlice = JSON.readTree(run("--user", "alice@example.test", "--json", forged.toString()).out);
        assertThat(forgedAlice.get("action").asText()).isEqualTo("add_header");
    }

    @Test
    void aRecipientsOwnAcceptEntryStandsAtDeliveryThoughTheMilterPassHadOtherRecipients() throws Exception {
        // abuse@ (alice's model, which finds offers spam) and another recipient: the milter pass did not apply the
        // accept of abuse@ alone, and wrote its symbol without it.
        String twoRecipients = MILTER_SYMBOLS + ", LOCAL_RECIPIENT_ALLOW(0.00){abuse@example.test}";
        Path message = write("to-abuse.eml", delivered(BayesTraining.offer(63), twoRecipients));

        JsonNode abuse = JSON.readTree(run("--user", "abuse@example.test", "--json", message.toString()).out);
        assertThat(names(abuse)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK", "LOCAL_RECIPIENT_ALLOW",
                "BAYES_SPAM");
        assertThat(abuse.get("action").asText()).isEqualTo("no_action");
        // Unsealed (nothing carried over), the entry still holds for abuse@, and only for abuse@.
        Path unsealed = write("unsealed-to-abuse.eml", BayesTraining.offer(64));
        JsonNode direct = JSON.readTree(run("--user", "abuse@example.test", "--json", unsealed.toString()).out);
        assertThat(names(direct)).containsExactly("LOCAL_RECIPIENT_ALLOW", "BAYES_SPAM");
        assertThat(direct.get("action").asText()).isEqualTo("no_action");
        JsonNode info = JSON.readTree(run("--user", "info@example.test", "--json", message.toString()).out);
        assertThat(info.get("action").asText()).isNotEqualTo("no_action");
    }

    @Test
    void aForgedSymbolsHeaderAboveOursIsNotCarriedOver() throws Exception {
        // With headers.remove_foreign_spam_headers off, a sender's copy stays above the one Postern appended.
        String forged = "X-Postern-Symbols: score=-50.00 action=no_action; LOCAL_CLIENT_ALLOW(-50.00)\r\n";
        String text = new String(delivered(BayesTraining.offer(55)), StandardCharsets.UTF_8);
        Path message = write("forged.eml", (forged + text).getBytes(StandardCharsets.UTF_8));

        JsonNode carol = JSON.readTree(run("--user", "carol@example.test", "--json", message.toString()).out);
        assertThat(names(carol)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK");
        assertThat(carol.get("score").asDouble()).isEqualTo(3.0);
    }

    @Test
    void aSymbolsHeaderPosternDidNotSealForThisMessageIsNotCarriedOver() throws Exception {
        // Mail that passed while the daemon was down (milter_default_action = accept) keeps what the sender wrote.
        byte[] offer = BayesTraining.offer(56);
        Path unsealed = write("unsealed.eml", withSymbolsHeader(offer, MILTER_SYMBOLS));
        // A genuine header, copied from another message (a bounce shows one).
        String other = new String(delivered(BayesTraining.offer(57)), StandardCharsets.UTF_8);
        String copied = DeliveryCheck.headersOf(other.getBytes(StandardCharsets.UTF_8)).fields().stream()
                .filter(f -> f.name().equals("X-Postern-Symbols")).findFirst().orElseThrow().value();
        Path replayed = write("replayed.eml", withSymbolsHeader(offer, copied));

        // A genuine header, then a forged one below it (the daemon was down): the last one is the one read.
        String genuineThenForged = new String(delivered(offer), StandardCharsets.UTF_8).replaceFirst("\r\n\r\n",
                "\r\nX-Postern-Symbols: score=-50.00 action=no_action; LOCAL_CLIENT_ALLOW(-50.00)\r\n\r\n");
        Path forgedLast = write("forged-last.eml", genuineThenForged.getBytes(StandardCharsets.UTF_8));

        for (Path message : List.of(unsealed, replayed, forgedLast)) {
            Run run = run("--user", "carol@example.test", "--json", message.toString());
            JsonNode carol = JSON.readTree(run.out);
            assertThat(names(carol)).as(message.toString()).isEmpty();
            assertThat(carol.get("score").asDouble()).isZero();
            assertThat(run.err).isEmpty();
        }
    }

    @Test
    void withoutTheDaemonsKeyNothingIsCarriedOverAndCheckSaysWhy() throws Exception {
        Path message = write("offer.eml", delivered(BayesTraining.offer(58)));
        Files.delete(dir.resolve("state").resolve(SymbolsSeal.KEY_FILE));
        Run run = run("--user", "carol@example.test", "--json", message.toString());
        assertThat(run.code).isZero();
        assertThat(JSON.readTree(run.out).get("score").asDouble()).isZero();
        assertThat(run.err).contains("postern check: no symbols.key in " + dir.resolve("state"))
                .contains("the milter pass's scores are not carried over");
    }

    @Test
    void aBrokenKeyFileIsReportedAndTheMessageIsStillChecked() throws Exception {
        Path message = write("offer.eml", delivered(BayesTraining.offer(59)));
        Files.writeString(dir.resolve("state").resolve(SymbolsSeal.KEY_FILE), "truncated\n");
        Run run = run("--user", "alice@example.test", "--json", message.toString());
        assertThat(run.code).isZero();
        assertThat(names(JSON.readTree(run.out))).containsExactly("BAYES_SPAM");
        assertThat(run.err).contains("does not hold a symbols key (64 hex digits); delete it and restart the daemon")
                .contains("the milter pass's scores are not carried over").doesNotContain("no symbols.key");
    }

    @Test
    void checksSeveralFilesAndReportsAnUnreadableOneWithoutStopping() throws Exception {
        Path offer = write("offer.eml", BayesTraining.offer(53));
        Path work = write("work.eml", BayesTraining.work(53));
        Path missing = dir.resolve("missing.eml");
        Run run = run("--user", "alice@example.test", "--json", offer.toString(), missing.toString(),
                work.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("postern check: " + missing + ": cannot read: no such file");
        List<String> lines = run.out.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).get("file").asText()).isEqualTo(offer.toString());
        assertThat(names(JSON.readTree(lines.get(0)))).containsExactly("BAYES_SPAM");
        assertThat(names(JSON.readTree(lines.get(1)))).containsExactly("BAYES_HAM");
    }

    @Test
    void readsStdinWithoutFiles() throws Exception {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(delivered(BayesTraining.work(54))));
            JsonNode bob = JSON.readTree(run("--user", "bob@example.test", "--json").out);
            assertThat(bob.get("file").asText()).isEqualTo("-");
            assertThat(names(bob)).containsExactly("SPF_SOFTFAIL", "LOCAL_SENDER_BLOCK", "BAYES_SPAM");
        } finally {
            System.setIn(stdin);
        }
    }

    private static List<String> names(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.get("symbols").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    /** The message as delivered after the milter pass: Postern's sealed symbols header appended to its header. */
    private byte[] delivered(byte[] raw) {
        return delivered(raw, MILTER_SYMBOLS);
    }

    private byte[] delivered(byte[] raw, String symbolsHeader) {
        return withSymbolsHeader(raw, symbolsHeader + " "
                + seal.word(symbolsHeader, DeliveryCheck.headersOf(raw), DeliveryCheck.bodyDigest(raw)).orElseThrow());
    }

    private static byte[] withSymbolsHeader(byte[] raw, String value) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n") + 2;
        return (text.substring(0, end) + "X-Postern-Symbols:" + value + "\r\n" + text.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        CommandLine cl = PosternCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("check", "--config", config.toString(), "--state-dir",
                dir.resolve("state").toString()));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
