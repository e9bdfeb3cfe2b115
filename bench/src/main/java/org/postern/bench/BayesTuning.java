package org.postern.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.postern.bayes.BayesClassifier;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.ClassifierSettings;
import org.postern.bayes.Combining;
import org.postern.bayes.InMemoryTokenCounts;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenizerSettings;

/**
 * Chooses the tokenizer's bigram window and the classifier's parameters on the TRAINING half of the SpamAssassin
 * corpus only, by k-fold cross-validation inside it (the test half stays unseen, for {@link BayesEvaluation}).
 *
 * <pre>java -cp bench/target/benchmarks.jar org.postern.bench.BayesTuning CORPUS/data [folds]</pre>
 *
 * Prints, per setting, the pooled out-of-fold ROC AUC, spam caught at ≤ 0.1% false positives, and false positives and
 * false negatives at probability thresholds 0.5 and 0.9.
 */
public final class BayesTuning {

    private BayesTuning() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int folds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<SpamAssassinCorpus.Message> training = SpamAssassinCorpus.load(data).training();
        List<byte[]> raw = training.stream().map(SpamAssassinCorpus::read).toList();
        boolean[] spam = new boolean[training.size()];
        for (int i = 0; i < spam.length; i++) {
            spam[i] = training.get(i).spam();
        }
        System.out.printf("training half: %d messages (%d spam), %d folds%n", spam.length,
                training.stream().filter(SpamAssassinCorpus.Message::spam).count(), folds);
        int[] windows = intList(System.getProperty("windows", "1,2,3,5"));
        double[] strengths = doubleList(System.getProperty("s", "0.1,0.3,1"));
        double[] minStrengths = doubleList(System.getProperty("minStrength", "0.1,0.25,0.375"));
        int[] maxTokens = intList(System.getProperty("maxTokens", "150"));
        for (int window : windows) {
            var tokenizer = BayesTokenizer.create(new TokenizerSettings(512 * 1024, 20_000, window));
            long t0 = System.nanoTime();
            List<MessageTokens> tokens = raw.stream().map(tokenizer::tokenize).toList();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("window %d: tokenized %.0f msg/s, %.0f tokens/msg%n", window, raw.size() / seconds,
                    tokens.stream().mapToInt(MessageTokens::size).average().orElse(0));
            for (double s : strengths) {
                for (double minStrength : minStrengths) {
                    for (int max : maxTokens) {
                      for (Combining combining : Combining.values()) {
                        var classifier = BayesClassifier.create(
                                new ClassifierSettings(1, 1, s, 0.5, minStrength, max, combining));
                        double[] p = crossValidate(tokens, spam, folds, classifier);
                        System.out.printf("  window=%d s=%.2f minStrength=%.2f max=%d %-8s  %s%n", window, s,
                                minStrength, max, combining, Scores.summary(p, spam));
                        if (Boolean.getBoolean("worst")) {
                            java.util.stream.IntStream.range(0, p.length).boxed()
                                    .sorted(java.util.Comparator.comparingDouble(i -> spam[i] ? p[i] : 1 - p[i]))
                                    .limit(25).forEach(i -> System.out.printf("    %s %.4f %s%n",
                                            spam[i] ? "FN" : "FP", p[i], training.get(i).file()));
                        }
                      }
                    }
                }
            }
        }
    }

    static double[] crossValidate(List<MessageTokens> tokens, boolean[] spam, int folds, BayesClassifier classifier) {
        double[] p = new double[tokens.size()];
        for (int fold = 0; fold < folds; fold++) {
            var counts = new InMemoryTokenCounts();
            for (int i = 0; i < tokens.size(); i++) {
                if (foldOf(i, tokens.size(), folds) != fold) {
                    counts.learn(tokens.get(i), spam[i]);
                }
            }
            for (int i = 0; i < tokens.size(); i++) {
                if (foldOf(i, tokens.size(), folds) == fold) {
                    p[i] = classifier.classify(tokens.get(i), counts).probability();
                }
            }
        }
        return p;
    }

    /**
     * Message i's fold. Interleaved (i mod k) puts a message's neighbours — the same thread or campaign, as the
     * corpus numbers them in arrival order — into the training folds, which flatters every setting; so the folds are
     * runs of k consecutive blocks of 10 messages each by default, -Dinterleaved=true for plain i mod k.
     */
    static int foldOf(int i, int n, int folds) {
        return Boolean.getBoolean("interleaved") ? i % folds : (i / 10) % folds;
    }

    private static int[] intList(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubleList(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
