package org.postern.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenizerSettings;

/**
 * An experiment, not a filter: online logistic regression (Goodman &amp; Yih 2006; Sculley &amp; Wachman 2007; Cormack's
 * TREC 2007 filter) on hashed binary features, against the same 5-fold block-100 cross-validation on the TRAINING half
 * of the SpamAssassin corpus that {@link BayesTuning} uses, then once on the test half for the setting the
 * cross-validation ranks best.
 *
 * <pre>java -Xmx2g -cp bench/target/benchmarks.jar org.postern.bench.LogisticExperiment CORPUS/data</pre>
 *
 * Features: (a) byte 4-grams of the first N bytes of the raw message, headers included, each distinct 4-gram once;
 * (b) the same, the vector normalized to unit length (x_i = 1/sqrt(n)); (c) Postern's own tokens
 * ({@link BayesTokenizer}); (d) (c) and (a) together. Every feature is hashed into a table of 2^bits float weights.
 * Score z = w·x, p = sigmoid(z); learning: w_i += rate·(y − p)·x_i for each present feature, no regularization,
 * skipped when |y − p| ≤ margin (margin 0: always; TONE-like thick threshold otherwise). Training order: the fold's
 * messages shuffled with {@code SplittableRandom(42)}, reshuffled every epoch (the corpus lists all ham, then all spam).
 *
 * <p>Each setting's line is {@link Scores#summary} of the pooled out-of-fold p, then AUC and caught at ≤ 0.1% FP on
 * the logit z (they differ from p's only when sigmoid saturates to 1.0 in double and ties), and the run time.
 *
 * <p>System properties (comma-separated grids): {@code -Dvariants=a,b,c,d}, {@code -Dbytes=2500,3500,10000},
 * {@code -Dbits=20,22}, {@code -Drates=0.002,0.01,0.05}, {@code -DnormRates=0.05,0.2,1} (for b),
 * {@code -Dmargins=0}, {@code -Depochs=5}, {@code -Dtest=true}.
 */
public final class LogisticExperiment {

    private static final int FOLDS = 5;

    private LogisticExperiment() {
    }

    /** One learner setting; {@code bytes} 0 means no 4-grams, {@code tokens} whether Postern's tokens are features. */
    record Setting(String variant, int bytes, boolean tokens, int bits, boolean normalized, double rate,
            double margin, int epochs) {
        @Override
        public String toString() {
            return String.format("(%s) bytes=%-5d tok=%-5s bits=%d norm=%-5s rate=%-5s margin=%-4s ep=%d", variant,
                    bytes, tokens, bits, normalized, rate, margin, epochs);
        }
    }

    /** One setting's pooled out-of-fold figures. */
    record Result(Setting setting, double[] z, double caught, double auc) {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        SpamAssassinCorpus corpus = SpamAssassinCorpus.load(data);
        List<SpamAssassinCorpus.Message> training = corpus.training();
        List<byte[]> raw = training.stream().map(SpamAssassinCorpus::read).toList();
        boolean[] spam = new boolean[training.size()];
        for (int i = 0; i < spam.length; i++) {
            spam[i] = training.get(i).spam();
        }
        System.out.printf("training half: %d messages (%d spam), %d folds of blocks of %d%n", spam.length,
                IntStream.range(0, spam.length).filter(i -> spam[i]).count(), FOLDS, Integer.getInteger("block", 100));

        List<String> variants = List.of(System.getProperty("variants", "a,b,c,d").split(","));
        int[] byteGrid = ints(System.getProperty("bytes", "2500,3500,10000"));
        int[] bitsGrid = ints(System.getProperty("bits", "20,22"));
        double[] rates = doubles(System.getProperty("rates", "0.002,0.01,0.05"));
        double[] normRates = doubles(System.getProperty("normRates", "0.05,0.2,1"));
        double[] margins = doubles(System.getProperty("margins", "0"));
        int epochs = Integer.getInteger("epochs", 5);

        BayesTokenizer tokenizer = BayesTokenizer.create(new TokenizerSettings(512 * 1024, 20_000, 1));
        long[][] tokens = null;
        if (variants.contains("c") || variants.contains("d")) {
            long t0 = System.nanoTime();
            tokens = raw.stream().map(tokenizer::tokenize).map(MessageTokens::toArray).toArray(long[][]::new);
            System.out.printf("tokenized %d messages in %.1f s%n", raw.size(), (System.nanoTime() - t0) / 1e9);
        }

        List<Result> results = new ArrayList<>();
        for (String variant : variants) {
            boolean useTokens = variant.equals("c") || variant.equals("d");
            int[] byteChoices = variant.equals("c") ? new int[] {0} : byteGrid;
            boolean normalized = variant.equals("b");
            for (int bytes : byteChoices) {
                for (int bits : bitsGrid) {
                    int[][] x = new int[raw.size()][];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = features(raw.get(i), useTokens ? tokens[i] : null, bytes, bits);
                    }
                    System.out.printf("(%s) bytes=%d tokens=%s bits=%d: %.0f features/msg%n", variant, bytes,
                            useTokens, bits, Arrays.stream(x).mapToInt(f -> f.length).average().orElse(0));
                    for (double rate : normalized ? normRates : rates) {
                        for (double margin : margins) {
                            long t0 = System.nanoTime();
                            double[][] z = crossValidate(x, spam, bits, normalized, rate, margin, epochs);
                            double seconds = (System.nanoTime() - t0) / 1e9;
                            for (int e = 0; e < epochs; e++) {
                                Setting s = new Setting(variant, bytes, useTokens, bits, normalized, rate, margin,
                                        e + 1);
                                Result r = new Result(s, z[e], Scores.caughtAtFpRate(z[e], spam, 0.001),
                                        Scores.auc(z[e], spam));
                                results.add(r);
                                System.out.printf("  %s  %s  | z: AUC %.5f caught %.1f%%  [%.1f s for %d epochs]%n",
                                        s, Scores.summary(sigmoid(z[e]), spam), r.auc(), 100 * r.caught(), seconds,
                                        epochs);
                            }
                        }
                    }
                }
            }
        }

        // The CV's choice: most spam caught at ≤ 0.1% FP, then AUC; on the logit, which a deployment would threshold
        // (the same ranking as on p unless p saturates to 1.0 and ties).
        Result best = results.stream()
                .max((r1, r2) -> r1.caught() != r2.caught() ? Double.compare(r1.caught(), r2.caught())
                        : Double.compare(r1.auc(), r2.auc()))
                .orElseThrow();
        System.out.printf("%nbest by CV (caught@0.1%%FP on z, then AUC): %s  caught %.1f%%  AUC %.5f%n",
                best.setting(), 100 * best.caught(), best.auc());
        System.out.println("top 10:");
        results.stream()
                .sorted((r1, r2) -> r1.caught() != r2.caught() ? Double.compare(r2.caught(), r1.caught())
                        : Double.compare(r2.auc(), r1.auc()))
                .limit(10)
                .forEach(r -> System.out.printf("  %s  caught %.1f%%  AUC %.5f%n", r.setting(), 100 * r.caught(),
                        r.auc()));
        if (Boolean.parseBoolean(System.getProperty("test", "true"))) {
            test(best, corpus, raw, spam, tokenizer);
        }
    }

    /** Trains the setting on the whole training half, measures once on the test half, and times both. */
    private static void test(Result best, SpamAssassinCorpus corpus, List<byte[]> raw, boolean[] spam,
            BayesTokenizer tokenizer) {
        Setting s = best.setting();
        double zThreshold = Scores.thresholdAtFpRate(best.z(), spam, 0.001);
        double pThreshold = Scores.thresholdAtFpRate(sigmoid(best.z()), spam, 0.001);
        List<SpamAssassinCorpus.Message> test = corpus.test();
        List<byte[]> testRaw = test.stream().map(SpamAssassinCorpus::read).toList();
        boolean[] testSpam = new boolean[test.size()];
        for (int i = 0; i < testSpam.length; i++) {
            testSpam[i] = test.get(i).spam();
        }

        float[] w = new float[1 << s.bits()];
        int[][] x = raw.stream().map(m -> features(m, s, tokenizer)).toArray(int[][]::new);
        train(w, x, spam, IntStream.range(0, x.length).toArray(), s, new SplittableRandom(42));
        double[] z = new double[testRaw.size()];
        for (int i = 0; i < z.length; i++) {
            z[i] = score(w, features(testRaw.get(i), s, tokenizer), s.normalized());
        }
        long hamCount = IntStream.range(0, z.length).filter(i -> !testSpam[i]).count();
        long spamCount = z.length - hamCount;
        long fp = IntStream.range(0, z.length).filter(i -> !testSpam[i] && z[i] > zThreshold).count();
        long caught = IntStream.range(0, z.length).filter(i -> testSpam[i] && z[i] > zThreshold).count();
        System.out.printf("%nTEST half (%d ham, %d spam), trained on the whole training half: %s%n", hamCount,
                spamCount, s);
        System.out.printf("  %s  | z: AUC %.5f caught@0.1%%FP %.1f%%%n", Scores.summary(sigmoid(z), testSpam),
                Scores.auc(z, testSpam), 100 * Scores.caughtAtFpRate(z, testSpam, 0.001));
        System.out.printf("  at the CV threshold z > %.4f (p > %.6f): %d FP of %d ham, %d of %d spam caught (%.2f%%)%n",
                zThreshold, pThreshold, fp, hamCount, caught, spamCount, 100.0 * caught / spamCount);
        IntStream.range(0, z.length).filter(i -> !testSpam[i] && z[i] > zThreshold)
                .forEach(i -> System.out.printf("    FP z=%.3f %s%n", z[i], test.get(i).file()));

        // Throughput, one thread, after the warm-up above: features from the raw bytes plus one update (training) or
        // one dot product (classification). Best of 3 timed rounds.
        double trainRate = 0;
        double classifyRate = 0;
        for (int round = 0; round < 3; round++) {
            float[] w2 = new float[1 << s.bits()];
            long t0 = System.nanoTime();
            for (int i = 0; i < raw.size(); i++) {
                update(w2, features(raw.get(i), s, tokenizer), spam[i], s.normalized(), s.rate(), s.margin());
            }
            trainRate = Math.max(trainRate, raw.size() / ((System.nanoTime() - t0) / 1e9));
            double sink = 0;
            t0 = System.nanoTime();
            for (byte[] m : testRaw) {
                sink += score(w, features(m, s, tokenizer), s.normalized());
            }
            classifyRate = Math.max(classifyRate, testRaw.size() / ((System.nanoTime() - t0) / 1e9));
            if (sink == 42.4242) {
                System.out.print("");
            }
        }
        System.out.printf("  throughput (one thread, warm): training %.0f msg/s (features + 1 update), "
                + "classification %.0f msg/s (features + score)%n", trainRate, classifyRate);
    }

    /** Pooled out-of-fold logits z[epoch][message] after each epoch 1..epochs. */
    static double[][] crossValidate(int[][] x, boolean[] spam, int bits, boolean normalized, double rate,
            double margin, int epochs) {
        double[][] z = new double[epochs][x.length];
        for (int fold = 0; fold < FOLDS; fold++) {
            int f = fold;
            float[] w = new float[1 << bits];
            int[] order = IntStream.range(0, x.length).filter(i -> BayesTuning.foldOf(i, FOLDS) != f).toArray();
            int[] held = IntStream.range(0, x.length).filter(i -> BayesTuning.foldOf(i, FOLDS) == f).toArray();
            SplittableRandom random = new SplittableRandom(42);
            for (int e = 0; e < epochs; e++) {
                shuffle(order, random);
                for (int i : order) {
                    update(w, x[i], spam[i], normalized, rate, margin);
                }
                for (int i : held) {
                    z[e][i] = score(w, x[i], normalized);
                }
            }
        }
        return z;
    }

    private static void train(float[] w, int[][] x, boolean[] spam, int[] order, Setting s, SplittableRandom random) {
        for (int e = 0; e < s.epochs(); e++) {
            shuffle(order, random);
            for (int i : order) {
                update(w, x[i], spam[i], s.normalized(), s.rate(), s.margin());
            }
        }
    }

    static double score(float[] w, int[] features, boolean normalized) {
        double z = 0;
        for (int f : features) {
            z += w[f];
        }
        return normalized && features.length > 0 ? z / Math.sqrt(features.length) : z;
    }

    static void update(float[] w, int[] features, boolean spam, boolean normalized, double rate, double margin) {
        double p = sigmoid(score(w, features, normalized));
        double g = (spam ? 1 : 0) - p;
        if (Math.abs(g) <= margin || features.length == 0) {
            return;
        }
        float delta = (float) (rate * g * (normalized ? 1 / Math.sqrt(features.length) : 1));
        for (int f : features) {
            w[f] += delta;
        }
    }

    private static int[] features(byte[] raw, Setting s, BayesTokenizer tokenizer) {
        return features(raw, s.tokens() ? tokenizer.tokenize(raw).toArray() : null, s.bytes(), s.bits());
    }

    /** The distinct hashed feature indices: 4-grams of the first {@code bytes} bytes, and the tokens if any. */
    static int[] features(byte[] raw, long[] tokens, int bytes, int bits) {
        int end = Math.min(raw.length, bytes);
        int grams = Math.max(0, end - 3);
        int[] f = new int[grams + (tokens == null ? 0 : tokens.length)];
        int n = 0;
        if (grams > 0) {
            int g = (raw[0] & 0xff) << 16 | (raw[1] & 0xff) << 8 | (raw[2] & 0xff);
            for (int i = 3; i < end; i++) {
                g = g << 8 | (raw[i] & 0xff);
                f[n++] = fmix32(g * 0x9E3779B1 + 0x7F4A7C15) >>> (32 - bits);
            }
        }
        if (tokens != null) {
            for (long t : tokens) {
                f[n++] = (int) (fmix64(t ^ 0xC2B2AE3D27D4EB4FL) >>> (64 - bits));
            }
        }
        Arrays.sort(f, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || f[i] != f[distinct - 1]) {
                f[distinct++] = f[i];
            }
        }
        return Arrays.copyOf(f, distinct);
    }

    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ h >>> 16;
    }

    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ h >>> 33;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double[] sigmoid(double[] z) {
        return Arrays.stream(z).map(LogisticExperiment::sigmoid).toArray();
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubles(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
