package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenCounts;
import org.postern.config.ConfigLoader;
import org.postern.config.PosternConfig;

/** The gate's limits on the shared work executor: admission, stale tasks, cut messages, bad user keys. */
class BayesGateTest {

    private static final PosternConfig CONFIG = ConfigLoader.defaults();
    private static final Duration BUDGET = Duration.ofMinutes(1);

    /** Tasks wait until the test runs them, as on a saturated executor. */
    private final List<Runnable> queued = new ArrayList<>();

    /** A store with no model for anyone; learning is counted. */
    private final List<Boolean> learned = new ArrayList<>();
    private final BayesModels empty = new BayesModels() {
        @Override
        public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
            if (user.length() > 255) {
                throw new IllegalArgumentException("user must be at most 255 bytes in UTF-8");
            }
            return reader.apply(new TokenCounts() {
                @Override
                public void lookup(MessageTokens tokens, long[] spam, long[] ham) {
                }

                @Override
                public long learnedSpam() {
                    return 0;
                }

                @Override
                public long learnedHam() {
                    return 0;
                }
            });
        }

        @Override
        public LearnOutcome learn(String user, byte[] rawMessage, MessageTokens tokens, boolean spam) {
            learned.add(spam);
            return LearnOutcome.LEARNED;
        }
    };

    private BayesGate gate() {
        return new BayesGate(CONFIG.bayes(), CONFIG.symbols(), Optional.of(empty), queued::add);
    }

    private static BayesGate.MessageBytes message(String text, int limit) {
        var m = new BayesGate.MessageBytes(limit);
        m.append(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        return m;
    }

    private static String reason(RecipientBayes r) {
        return r.symbol().map(Symbol::reason).orElse("");
    }

    @Test
    void classificationsBeyondTheLimitAnswerBusyAtOnceWithoutQueueing() {
        BayesGate gate = gate();
        List<CompletableFuture<List<RecipientBayes>>> admitted = new ArrayList<>();
        for (int i = 0; i < BayesGate.MAX_IN_FLIGHT; i++) {
            admitted.add(gate.classify(message("Subject: m" + i + "\r\n\r\nbody\r\n", 4096), List.of("a@x.test"),
                    r -> true, BUDGET));
        }
        var refused = gate.classify(message("Subject: one more\r\n\r\nbody\r\n", 4096), List.of("a@x.test"),
                r -> true, BUDGET);
        assertThat(queued).hasSize(BayesGate.MAX_IN_FLIGHT);
        assertThat(refused).isCompleted();
        assertThat(refused.join()).singleElement().satisfies(r -> {
            assertThat(r.model()).isEqualTo(RecipientBayes.Model.ERROR);
            assertThat(reason(r)).isEqualTo("busy");
        });
        queued.remove(0).run();                              // one finishes: the next message is admitted again
        assertThat(admitted.get(0).join()).singleElement()
                .satisfies(r -> assertThat(r.model()).isEqualTo(RecipientBayes.Model.NONE));
        gate.classify(message("Subject: again\r\n\r\nbody\r\n", 4096), List.of("a@x.test"), r -> true, BUDGET);
        assertThat(queued).hasSize(BayesGate.MAX_IN_FLIGHT);
    }

    @Test
    void aTaskWhoseBudgetHasPassedDoesNoWorkAndFreesItsPlace() {
        BayesGate gate = gate();
        var late = gate.classify(message("Subject: late\r\n\r\nbody\r\n", 4096), List.of("a@x.test"), r -> true,
                Duration.ZERO);
        queued.remove(0).run();
        assertThat(late.join()).singleElement()
                .satisfies(r -> assertThat(reason(r)).isEqualTo("timeout_at_end_of_message"));
        for (int i = 0; i < BayesGate.MAX_IN_FLIGHT; i++) {
            assertThat(gate.classify(message("Subject: m\r\n\r\nb\r\n", 4096), List.of("a@x.test"), r -> true,
                    BUDGET)).isNotCompleted();
        }
    }

    @Test
    void aMessageCutAtTheScanLimitIsNotAutolearned() {
        PosternConfig config = ConfigLoader.parse("bayes: {autolearn: {enabled: true}}\n", "test.yml");
        var gate = new BayesGate(config.bayes(), config.symbols(), Optional.of(empty), Runnable::run);
        var whole = message("Subject: whole\r\n\r\nbody\r\n", 4096);
        var cut = message("Subject: cut\r\n\r\n" + "x".repeat(5000) + "\r\n", 4096);
        gate.classify(whole, List.of("a@x.test"), r -> true, BUDGET).join();
        gate.classify(cut, List.of("a@x.test"), r -> true, BUDGET).join();
        assertThat(gate.autolearn(whole, 100.0)).isEqualTo(BayesGate.Autolearn.SPAM);
        assertThat(gate.autolearn(cut, 100.0)).isEqualTo(BayesGate.Autolearn.NO);
        assertThat(gate.autolearn(whole, 0.0)).as("between the thresholds").isEqualTo(BayesGate.Autolearn.NO);
        assertThat(gate.autolearn(null, 100.0)).as("not captured").isEqualTo(BayesGate.Autolearn.NO);
        assertThat(learned).containsExactly(true);
        assertThat(gate().autolearn(whole, 100.0)).as("off by default").isEqualTo(BayesGate.Autolearn.DISABLED);
    }

    @Test
    void aUserKeyTheStoreRefusesFailsThatRecipientOnly() {
        String longUser = "u".repeat(300) + "@x.test";
        var results = gate().classifyNow(new byte[0], List.of(longUser, "b@x.test"), r -> true);
        assertThat(results).extracting(RecipientBayes::model)
                .containsExactly(RecipientBayes.Model.ERROR, RecipientBayes.Model.NONE);
        assertThat(reason(results.get(0))).isEqualTo("bad_user_key");
    }
}
