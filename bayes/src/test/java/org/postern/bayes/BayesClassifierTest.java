package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BayesClassifierTest {

    private static final BayesClassifier CLASSIFIER = BayesClassifier.create(ClassifierSettings.DEFAULT);

    /** Counts where "spammy" was in every spam and no ham, "hammy" the reverse, "common" in half of each. */
    private static InMemoryTokenCounts trained(int perClass) {
        var counts = new InMemoryTokenCounts();
        for (int i = 0; i < perClass; i++) {
            counts.learn(i % 2 == 0 ? MessageTokens.ofStrings("spammy", "common") : MessageTokens.ofStrings("spammy"),
                    true);
            counts.learn(i % 2 == 0 ? MessageTokens.ofStrings("hammy", "common") : MessageTokens.ofStrings("hammy"),
                    false);
        }
        return counts;
    }

    @Test
    void robinsonProbabilityShrinksRareTokensTowardsOneHalf() {
        // s = 1, x = 0.5 (Robinson's own example values) so the arithmetic reads easily.
        var s1 = BayesClassifier.create(new ClassifierSettings(1, 1, 1.0, 0.5, 0.1, 150, Combining.FISHER));
        assertThat(s1.probability(1, 0, 10, 10)).isCloseTo(0.75, within(1e-12));     // (0.5 + 1) / 2
        assertThat(s1.probability(200, 0, 200, 200)).isCloseTo(200.5 / 201, within(1e-12));
        assertThat(s1.probability(0, 3, 10, 10)).isCloseTo(0.125, within(1e-12));    // 0.5 / 4
        // Graham's ratio normalises by the learned totals: 10 of 100 spam versus 10 of 10 ham is hammy.
        assertThat(s1.probability(10, 10, 100, 10)).isCloseTo((0.5 + 20 * (0.1 / 1.1)) / 21, within(1e-12));
        assertThat(s1.probability(0, 0, 10, 10)).isNaN();
    }

    @Test
    void aTokenSeenOnlyInSpamGivesProbabilityNearOne() {
        BayesVerdict verdict = CLASSIFIER.classify(MessageTokens.ofStrings("spammy"), trained(300));
        assertThat(verdict.probability()).isGreaterThan(0.99);
        assertThat(verdict.tokensUsed()).isEqualTo(1);
        assertThat(verdict.enoughData()).isTrue();
    }

    @Test
    void aTokenSeenOnlyInHamGivesProbabilityNearZero() {
        assertThat(CLASSIFIER.classify(MessageTokens.ofStrings("hammy"), trained(300)).probability()).isLessThan(0.01);
    }

    @Test
    void ignoresUnknownAndNeutralTokens() {
        InMemoryTokenCounts counts = trained(300);
        BayesVerdict none = CLASSIFIER.classify(MessageTokens.ofStrings("never-seen", "common"), counts);
        assertThat(none).isEqualTo(new BayesVerdict(0.5, 0, true));
        assertThat(CLASSIFIER.classify(MessageTokens.ofStrings("spammy", "never-seen", "common"), counts))
                .isEqualTo(CLASSIFIER.classify(MessageTokens.ofStrings("spammy"), counts));
    }

    @Test
    void strongEvidenceBothWaysIsUnsure() {
        BayesVerdict verdict = CLASSIFIER.classify(MessageTokens.ofStrings("spammy", "hammy"), trained(300));
        assertThat(verdict.probability()).isCloseTo(0.5, within(1e-9));
        assertThat(verdict.tokensUsed()).isEqualTo(2);
    }

    @Test
    void swappingSpamAndHamMirrorsTheProbability() {
        var counts = new InMemoryTokenCounts();
        var swapped = new InMemoryTokenCounts();
        var random = new Random(7);
        for (int m = 0; m < 60; m++) {
            List<String> tokens = new ArrayList<>();
            for (int t = 0; t < 30; t++) {
                tokens.add("t" + random.nextInt(80));
            }
            boolean spam = random.nextInt(3) > 0;
            counts.learn(MessageTokens.ofStrings(tokens), spam);
            swapped.learn(MessageTokens.ofStrings(tokens), !spam);
        }
        for (int q = 0; q < 20; q++) {
            List<String> message = List.of("t" + q, "t" + (q + 13), "t" + (q * 3 % 80), "t" + (79 - q));
            double p = CLASSIFIER.classify(MessageTokens.ofStrings(message), counts).probability();
            double mirrored = CLASSIFIER.classify(MessageTokens.ofStrings(message), swapped).probability();
            assertThat(p + mirrored).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void bothCombiningsAgreeOnClearCasesAndFisherSaysUnsureForMixedEvidence() {
        var fisher = BayesClassifier.create(new ClassifierSettings(1, 1, 0.3, 0.5, 0.25, 150, Combining.FISHER));
        var logOdds = BayesClassifier.create(new ClassifierSettings(1, 1, 0.3, 0.5, 0.25, 150, Combining.LOG_ODDS));
        InMemoryTokenCounts counts = trained(300);
        for (var c : List.of(fisher, logOdds)) {
            assertThat(c.classify(MessageTokens.ofStrings("spammy"), counts).probability()).isGreaterThan(0.99);
            assertThat(c.classify(MessageTokens.ofStrings("hammy"), counts).probability()).isLessThan(0.01);
        }
        // Equal evidence both ways: both say 0.5, Fisher because H and S are both near 0, log-odds because they cancel.
        MessageTokens mixed = MessageTokens.ofStrings("spammy", "hammy");
        assertThat(fisher.classify(mixed, counts).probability()).isCloseTo(0.5, within(1e-9));
        assertThat(logOdds.classify(mixed, counts).probability()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void usesAtMostTheConfiguredNumberOfStrongestTokens() {
        var counts = new InMemoryTokenCounts();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            tokens.add("s" + i);
        }
        for (int m = 0; m < 10; m++) {
            counts.learn(MessageTokens.ofStrings(tokens), true);
            counts.learn(MessageTokens.ofStrings("h"), false);
        }
        BayesVerdict verdict = CLASSIFIER.classify(MessageTokens.ofStrings(tokens), counts);
        assertThat(verdict.tokensUsed()).isEqualTo(ClassifierSettings.DEFAULT.maxInterestingTokens());
        assertThat(verdict.enoughData()).isFalse();
        assertThat(verdict.probability()).isGreaterThan(0.99);
    }

    @Test
    void reportsNotEnoughDataBelowTheConfiguredMinimums() {
        var classifier = BayesClassifier.create(ClassifierSettings.withMinimums(300, 301));
        assertThat(classifier.classify(MessageTokens.ofStrings("spammy"), trained(300)).enoughData()).isFalse();
        assertThat(BayesClassifier.create(ClassifierSettings.withMinimums(300, 300))
                .classify(MessageTokens.ofStrings("spammy"), trained(300)).enoughData()).isTrue();
    }

    @Test
    void unlearningRestoresThePreviousCounts() {
        InMemoryTokenCounts counts = trained(10);
        counts.learn(MessageTokens.ofStrings("spammy", "new"), false);
        counts.unlearn(MessageTokens.ofStrings("spammy", "new"), false);
        assertThat(counts.hamCount("spammy")).isZero();
        assertThat(counts.spamCount("spammy")).isEqualTo(10);
        assertThat(counts.learnedHam()).isEqualTo(10);
        assertThat(counts.hamCount("new")).isZero();
        counts.unlearn(MessageTokens.ofStrings("never"), true);
        assertThat(counts.spamCount("never")).isZero();
    }

    @Test
    void classifiesHeldOutSyntheticMessagesAfterTrainingOnFiftyOfEach() {
        var tokenizer = BayesTokenizer.create(TokenizerSettings.DEFAULT);
        var random = new Random(2026);
        var counts = new InMemoryTokenCounts();
        for (int i = 0; i < 50; i++) {
            counts.learn(tokenizer.tokenize(SyntheticMail.spam(random)), true);
            counts.learn(tokenizer.tokenize(SyntheticMail.ham(random)), false);
        }
        var classifier = BayesClassifier.create(ClassifierSettings.withMinimums(50, 50));
        for (int i = 0; i < 25; i++) {
            BayesVerdict spam = classifier.classify(tokenizer.tokenize(SyntheticMail.spam(random)), counts);
            BayesVerdict ham = classifier.classify(tokenizer.tokenize(SyntheticMail.ham(random)), counts);
            assertThat(spam.enoughData()).isTrue();
            assertThat(spam.probability()).as("held-out spam %d", i).isGreaterThan(0.9);
            assertThat(ham.probability()).as("held-out ham %d", i).isLessThan(0.1);
        }
    }

    @Test
    void rejectsInvalidSettingsAndVerdicts() {
        assertThrows(IllegalArgumentException.class, () -> ClassifierSettings.withMinimums(-1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ClassifierSettings(0, 0, 1, 1.0, 0.1, 150, Combining.FISHER));
        assertThrows(IllegalArgumentException.class, () -> new BayesVerdict(Double.NaN, 0, false));
    }

    /** Generated messages: each class draws from its own words and senders plus a shared vocabulary. */
    static final class SyntheticMail {
        private static final String[] SHARED = ("the of and to in is you that it for on with as your this be at by "
                + "are from have or an will can more please today time new information").split(" ");
        private static final String[] SPAM = ("viagra casino winner prize free cash loan credit pills cheap offer "
                + "guaranteed bonus lottery claim urgent discount pharmacy bitcoin investment").split(" ");
        private static final String[] HAM = ("meeting agenda report project deadline review lunch schedule minutes "
                + "draft budget team release patch kernel thanks regards attached quarterly").split(" ");

        static byte[] spam(Random r) {
            return message(r, SPAM, "promo" + r.nextInt(5) + ".biz", "Mass Mailer 5", "http://deals" + r.nextInt(3)
                    + ".top/claim");
        }

        static byte[] ham(Random r) {
            return message(r, HAM, "corp.example.com", "Thunderbird 128", "https://intranet.example.com/wiki");
        }

        private static byte[] message(Random r, String[] own, String domain, String mailer, String link) {
            var body = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                String[] pool = r.nextInt(10) < 4 ? own : SHARED;
                body.append(pool[r.nextInt(pool.length)]).append(i % 12 == 11 ? "\r\n" : " ");
            }
            body.append("\r\n").append(link).append("\r\n");
            return ("From: sender" + r.nextInt(20) + "@" + domain + "\r\n"
                    + "Subject: " + own[r.nextInt(own.length)] + " " + SHARED[r.nextInt(SHARED.length)] + "\r\n"
                    + "X-Mailer: " + mailer + "\r\n"
                    + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        }
    }
}
