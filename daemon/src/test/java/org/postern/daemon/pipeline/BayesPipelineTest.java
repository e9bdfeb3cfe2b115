package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenCounts;
import org.postern.config.ConfigLoader;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;
import org.postern.milter.ActionFlag;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.MacroStage;
import org.postern.milter.Macros;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterFilter;
import org.postern.milter.MilterReply;
import org.postern.milter.Negotiated;
import org.postern.milter.ProtocolFlag;
import org.postern.milter.SessionInfo;
import org.slf4j.LoggerFactory;

/**
 * Bayes at end of message through a real {@link ScanSession}, with a token store in a temporary directory trained by
 * {@link BayesTraining}: alice finds offers spam, bob finds them ham, carol has learned nothing.
 */
class BayesPipelineTest {

    /** Only Bayes scores: no DNS checks, no greylisting; models count from 5 learned messages of each class. */
    private static final String BASE = """
            authserv_id: mx.example.test
            spf: {enabled: false}
            dmarc: {enabled: false}
            greylist: {enabled: false}
            bayes: {min_spam: 5, min_ham: 5}
            """;

    /** A probability as logged, at or above the default spam_probability (0.76), and at or below 0.1. */
    private static final String SPAMMY = "(0\\.9\\d{3}|1\\.0000)";
    private static final String HAMMY = "0\\.(0\\d{3}|1000)";

    private static LoopbackDnsServer dnsServer;
    private static DnsResolver dns;

    @TempDir
    Path stateDir;
    private LmdbBayesStore store;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void startDns() {
        dnsServer = LoopbackDnsServer.start(DnsZone.empty());
        dns = DnsResolver.create(DnsResolverSettings.defaults(List.of(dnsServer.address())));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
        dnsServer.close();
    }

    @BeforeEach
    void trainAndCaptureTheLog() {
        store = LmdbBayesStore.open(stateDir.resolve("bayes"), LmdbBayesStore.MIN_MAP_SIZE_BYTES * 16);
        BayesTraining.train(store, "alice@example.test", true, 6);
        BayesTraining.train(store, "bob@example.test", false, 6);
        // The message line is INFO; tests log WARN and up (logback-test.xml), so this test raises "postern" alone
        // and keeps its lines out of the build output.
        Logger messageLog = (Logger) LoggerFactory.getLogger("postern");
        log.start();
        messageLog.addAppender(log);
        messageLog.setLevel(Level.INFO);
        messageLog.setAdditive(false);
    }

    @AfterEach
    void close() {
        Logger messageLog = (Logger) LoggerFactory.getLogger("postern");
        messageLog.detachAppender(log);
        messageLog.setLevel(null);
        messageLog.setAdditive(true);
        store.close();
    }

    @Test
    void eachRecipientIsClassifiedWithItsOwnModelAndTheMessageTakesTheLowestScore() {
        var scan = new Scan(BASE, BayesModels.of(store));
        EndOfMessageReply eom = scan.send(List.of("alice@example.test", "bob@example.test"), BayesTraining.offer(99));

        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        String line = messageLine();
        assertThat(line).containsPattern("bayes=alice@example\\.test=alice@example\\.test:user:" + SPAMMY
                + ":BAYES_SPAM\\(\\d\\.\\d\\d\\)\\{" + SPAMMY + "},bob@example\\.test=bob@example\\.test:user:" + HAMMY
                + ":BAYES_HAM\\(-\\d\\.\\d\\d\\)");
        // The message-level Bayes symbol is bob's (the lowest), and the header names no recipient (Bcc).
        String symbols = scan.header(eom, "X-Postern-Symbols");
        assertThat(symbols).contains("BAYES_HAM(").doesNotContain("BAYES_SPAM").doesNotContain("alice")
                .doesNotContain("bob");
        assertThat(scan.header(eom, "X-Spam-Flag")).isEqualTo(" NO");
        assertThat(scan.header(eom, "X-Spam-Status")).contains(" autolearn=disabled ");
        // Sealed for this message with the seal the resources carry: what `postern check` verifies.
        byte[] sent = BayesTraining.offer(99);
        assertThat(SEAL.verifies(symbols, DeliveryCheck.headersOf(sent), DeliveryCheck.bodyDigest(sent))).isTrue();
        byte[] other = BayesTraining.offer(98);
        assertThat(SEAL.verifies(symbols, DeliveryCheck.headersOf(other), DeliveryCheck.bodyDigest(other))).isFalse();
    }

    @Test
    void aSingleRecipientGetsItsOwnVerdictInTheHeaders() {
        var scan = new Scan(BASE + "actions: {add_header: 2}\n", BayesModels.of(store));
        EndOfMessageReply eom = scan.send(List.of("Alice+news@Example.test"), BayesTraining.offer(98));

        assertThat(scan.header(eom, "X-Postern-Symbols")).contains("BAYES_SPAM(");
        assertThat(scan.header(eom, "X-Spam-Flag")).isEqualTo(" YES");
        assertThat(messageLine()).contains("bayes=Alice+news@Example.test=alice@example.test:user:");
    }

    @Test
    void aUserWithoutEnoughTrainingFallsBackToTheGlobalModelElseGetsNoSymbol() {
        var scan = new Scan(BASE, BayesModels.of(store));
        scan.send(List.of("carol@example.test"), BayesTraining.offer(97));
        assertThat(messageLine()).contains("bayes=carol@example.test=carol@example.test:none:-:-")
                .doesNotContain("BAYES_");

        BayesTraining.train(store, LmdbBayesStore.GLOBAL, true, 6);
        BayesTraining.train(store, "carol@example.test", false, 2);  // below min_spam/min_ham: not used
        new Scan(BASE, BayesModels.of(store)).send(List.of("carol@example.test"), BayesTraining.offer(96));
        assertThat(messageLine()).containsPattern("bayes=carol@example\\.test=carol@example\\.test:global:" + SPAMMY
                + ":BAYES_SPAM");
    }

    @Test
    void usersMappingAndPolicySwitchDecideWhoseModelIsUsed() {
        var scan = new Scan(BASE.replace("bayes: {min_spam: 5, min_ham: 5}",
                "bayes: {min_spam: 5, min_ham: 5, users: {\"info@example.test\": alice@example.test}}") + """
                policy:
                  conflicts: strictest
                  recipients:
                    - {match: dave@example.test, bayes: false}
                """, BayesModels.of(store));
        scan.send(List.of("info@example.test", "dave@example.test"), BayesTraining.offer(95));
        assertThat(messageLine()).containsPattern("bayes=info@example\\.test=alice@example\\.test:user:" + SPAMMY
                + ":BAYES_SPAM\\S+,dave@example\\.test=dave@example\\.test:disabled:-:-");
    }

    @Test
    void aFailingStoreGivesTemperrorAndTheMessageIsDelivered() {
        // A store that throws what a closed LmdbBayesStore throws: our bug, logged once, never the mail's problem.
        BayesModels failing = new Delegating(BayesModels.of(store)) {
            @Override
            public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
                throw new IllegalStateException("bayes store is closed");
            }
        };
        var scan = new Scan(BASE, failing);
        EndOfMessageReply eom = scan.send(List.of("alice@example.test"), BayesTraining.offer(94));

        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(messageLine()).contains("alice@example.test=alice@example.test:error:-:"
                + "BAYES_TEMPERROR(0.00){internal_error}");
    }

    @Test
    void aSlowStoreIsCutOffByTheEndOfMessageBudget() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BayesModels slow = new Delegating(BayesModels.of(store)) {
            @Override
            public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.read(user, reader);
            }
        };
        ExecutorService work = Executors.newSingleThreadExecutor();
        try {
            var scan = new Scan(BASE + "scan: {end_of_message_budget: 300ms}\n", slow, work);
            long start = System.nanoTime();
            EndOfMessageReply eom = scan.send(List.of("alice@example.test"), BayesTraining.offer(93));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
            assertThat(messageLine()).contains("BAYES_TEMPERROR(0.00){timeout_at_end_of_message}");
        } finally {
            release.countDown();
            work.shutdown();
            assertThat(work.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void outgoingMailAndLoopbackClientsAreNotClassified() {
        new Scan(BASE, BayesModels.of(store)).sendFrom("127.0.0.1", "mx", List.of("alice@example.test"),
                BayesTraining.offer(92));
        assertThat(messageLine()).doesNotContain("bayes=");
        new Scan(BASE, BayesModels.of(store)).sendFrom("192.0.2.10", "ORIGINATING", List.of("alice@example.test"),
                BayesTraining.offer(91));
        assertThat(messageLine()).doesNotContain("bayes=").contains("outgoing=true");
    }

    @Test
    void autolearnLearnsClearSpamIntoTheGlobalModelOnly() {
        String config = BASE.replace("bayes: {min_spam: 5, min_ham: 5}",
                "bayes: {min_spam: 5, min_ham: 5, autolearn: {enabled: true, spam_score: 5, ham_score: -1}}") + """
                lists:
                  - {match: sender, value: offers.test, score: 6}
                """;
        long aliceSpam = store.read("alice@example.test", TokenCounts::learnedSpam);
        Scan learning = new Scan(config, BayesModels.of(store));
        EndOfMessageReply learnt = learning.send(List.of("alice@example.test"), BayesTraining.offer(90));
        assertThat(learning.header(learnt, "X-Spam-Status")).contains(" autolearn=spam ");
        assertThat(store.read(LmdbBayesStore.GLOBAL, TokenCounts::learnedSpam)).isEqualTo(1);
        assertThat(store.read(LmdbBayesStore.GLOBAL, TokenCounts::learnedHam)).isZero();
        assertThat(store.read("alice@example.test", TokenCounts::learnedSpam)).isEqualTo(aliceSpam);

        // Score 0 without Bayes: neither spam_score nor ham_score; alice's BAYES_SPAM does not count.
        Scan unsure = new Scan(config.replace("score: 6", "score: 0"), BayesModels.of(store));
        EndOfMessageReply notLearnt = unsure.send(List.of("alice@example.test"), BayesTraining.offer(89));
        assertThat(unsure.header(notLearnt, "X-Spam-Status")).contains(" autolearn=no ");
        assertThat(store.read(LmdbBayesStore.GLOBAL, TokenCounts::learnedSpam)).isEqualTo(1);
    }

    @Test
    void autolearnIsOffByDefault() {
        // 13: above the default autolearn.spam_score (12), below the reject threshold (15).
        String config = BASE + "lists:\n  - {match: sender, value: offers.test, score: 13}\n";
        new Scan(config, BayesModels.of(store)).send(List.of("alice@example.test"), BayesTraining.offer(88));
        assertThat(store.read(LmdbBayesStore.GLOBAL, TokenCounts::learnedSpam)).isZero();
    }

    private String messageLine() {
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.startsWith("qid=4XTEST")).toList();
        assertThat(lines).as("message log lines").isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    /** A store that passes everything on; tests override one method to fail or stall. */
    private static class Delegating implements BayesModels {
        private final BayesModels inner;

        Delegating(BayesModels inner) {
            this.inner = inner;
        }

        @Override
        public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
            return inner.read(user, reader);
        }

        @Override
        public LearnOutcome learn(String user, byte[] rawMessage, MessageTokens tokens, boolean spam) {
            return inner.learn(user, rawMessage, tokens, spam);
        }
    }

    /** Drives one ScanSession the way MilterSession does, awaiting each stage with a bound. */
    /** The daemon's seal, as Postern.start passes it through PipelineResources. */
    private static final SymbolsSeal SEAL = SymbolsSeal.of(new byte[32]);

    private static final class Scan {
        final MilterFilter filter;
        Macros macros = Macros.empty();

        Scan(String yaml, BayesModels models) {
            this(yaml, models, Runnable::run);
        }

        Scan(String yaml, BayesModels models, java.util.concurrent.Executor work) {
            var config = ConfigLoader.parse(yaml, "test.yml");
            var resources = new PipelineResources(dns, Optional.empty(), work, Optional.of(models), SEAL);
            PipelineSettings settings = PipelineSettings.compile(config, resources, "mx.example.test", "Postern test");
            filter = new ScanPipeline(settings).newFilter(new SessionInfo(1, null, Runnable::run));
            filter.negotiated(new Negotiated(6, EnumSet.allOf(ActionFlag.class),
                    EnumSet.of(ProtocolFlag.HDR_LEADSPC)));
        }

        EndOfMessageReply send(List<String> recipients, byte[] raw) {
            return sendFrom("192.0.2.10", "mx", recipients, raw);
        }

        /** One transaction from {@code sender} of the message's From, the message sent as header fields and body. */
        EndOfMessageReply sendFrom(String clientIp, String daemonName, List<String> recipients, byte[] raw) {
            macros = macros.with(MacroStage.CONNECT, Map.of("{daemon_name}", daemonName));
            await(filter.connect(new MilterCommand.Connect("mail.remote.test", MilterCommand.Family.INET, 41234,
                    clientIp), macros));
            await(filter.helo(new MilterCommand.Helo("mail.remote.test"), macros));
            String text = new String(raw, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String from = text.substring(text.indexOf("<") + 1, text.indexOf(">"));
            await(filter.mail(new MilterCommand.Mail("<" + from + ">", List.of()), macros));
            for (String r : recipients) {
                assertThat(await(filter.rcpt(new MilterCommand.Rcpt("<" + r + ">", List.of()), macros)))
                        .isEqualTo(MilterReply.CONTINUE);
            }
            for (String line : text.substring(0, split).split("\r\n")) {
                int colon = line.indexOf(':');
                await(filter.header(new MilterCommand.Header(line.substring(0, colon), line.substring(colon + 1)),
                        macros));
            }
            await(filter.endOfHeaders(macros));
            await(filter.body(new MilterCommand.Body(ByteBuffer.wrap(text.substring(split + 4)
                    .getBytes(StandardCharsets.UTF_8))), macros));
            return await(filter.endOfMessage(macros.with(MacroStage.END_OF_MESSAGE, Map.of("i", "4XTEST"))));
        }

        /** The value of the one header this reply adds or inserts with that name. */
        String header(EndOfMessageReply eom, String name) {
            List<String> values = new ArrayList<>();
            for (MilterReply.Modification m : eom.modifications()) {
                if (m instanceof MilterReply.AddHeader a && a.name().equals(name)) {
                    values.add(a.value());
                }
            }
            assertThat(values).as("headers named " + name).hasSize(1);
            return values.get(0).replace("\n\t", " ");
        }

        private static <T> T await(CompletionStage<T> stage) {
            try {
                return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("stage did not complete", e);
            }
        }
    }
}
