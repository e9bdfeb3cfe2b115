package org.postern.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * Prints, per setting, the pooled out-of-fold ROC AUC, spam caught at ≤ 0.1% false positives (and the threshold that
 * gives it), and false positives and false negatives at probability thresholds 0.5, 0.9 and 0.99.
 *
 * <p>System properties: {@code -Dwindows=1,2,5}, {@code -Ds=0.3,0.6,1} (Robinson's s), {@code -DminStrength=...},
 * {@code -DmaxTokens=150} (the grid, comma-separated); {@code -Dblock=100} (fold blocks, see {@link #foldOf}) or
 * {@code -Dinterleaved=true}; {@code -Dbogofilter=true} (bogofilter on the same folds, for comparison);
 * {@code -Dworst=true} (the 25 worst out-of-fold messages of each setting, to see what a setting gets wrong).
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
        if (Boolean.getBoolean("bogofilter")) {
            System.out.printf("  bogofilter (same folds)  %s%n", Scores.summary(bogofilterCrossValidation(training,
                    spam, folds), spam));
        }
        int[] windows = intList(System.getProperty("windows", "1,2,5"));
        double[] strengths = doubleList(System.getProperty("s", "0.3,0.6,1"));
        double[] minStrengths = doubleList(System.getProperty("minStrength", "0.1,0.3,0.375,0.42"));
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
                if (foldOf(i, folds) != fold) {
                    counts.learn(tokens.get(i), spam[i]);
                }
            }
            for (int i = 0; i < tokens.size(); i++) {
                if (foldOf(i, folds) == fold) {
                    p[i] = classifier.classify(tokens.get(i), counts).probability();
                }
            }
        }
        return p;
    }

    /** bogofilter's out-of-fold spamicities on the same folds, for comparison. */
    static double[] bogofilterCrossValidation(List<SpamAssassinCorpus.Message> training, boolean[] spam, int folds) {
        double[] p = new double[training.size()];
        try {
            Path work = Files.createTempDirectory("bogofilter-cv");
            for (int fold = 0; fold < folds; fold++) {
                List<SpamAssassinCorpus.Message> learn = new ArrayList<>();
                List<SpamAssassinCorpus.Message> held = new ArrayList<>();
                List<Integer> heldIndex = new ArrayList<>();
                for (int i = 0; i < training.size(); i++) {
                    if (foldOf(i, folds) == fold) {
                        held.add(training.get(i));
                        heldIndex.add(i);
                    } else {
                        learn.add(training.get(i));
                    }
                }
                double[] q = BayesEvaluation.bogofilter(work.resolve("fold" + fold), learn, held, 1).p();
                for (int k = 0; k < q.length; k++) {
                    p[heldIndex.get(k)] = q[k];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return p;
    }

    /**
     * Message i's fold. Interleaved (i mod k) puts a message's neighbours — the same thread or campaign, as the
     * corpus numbers them in arrival order — into the training folds, which flatters every setting and most of all
     * the over-confident ones; so folds are blocks of 100 consecutive messages (-Dblock=N), a new campaign's worth,
     * or -Dinterleaved=true for plain i mod k.
     */
    static int foldOf(int i, int folds) {
        return Boolean.getBoolean("interleaved") ? i % folds : (i / Integer.getInteger("block", 100)) % folds;
    }

    private static int[] intList(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubleList(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
