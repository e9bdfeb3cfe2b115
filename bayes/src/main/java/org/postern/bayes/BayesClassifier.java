package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Robinson's token probabilities combined by Fisher's chi-square method, as in SpamBayes and SpamAssassin's
 * {@code Bayes/CombineChi.pm}, or by their normalised log-odds ({@link Combining}; the default, chosen by measurement).
 *
 * <p>For each token w with b = spam count / learned spam and g = ham count / learned ham, Graham's ratio
 * p(w) = b / (b + g) is shrunk towards the prior x by Robinson's estimate [1]
 * <pre>    f(w) = (s·x + n·p(w)) / (s + n),   n = spam count + ham count</pre>
 * so that a token seen once is not taken as proof. Tokens never learned (n = 0) are ignored. The tokens whose f(w) is
 * at least {@link ClassifierSettings#minStrength()} away from 0.5 are kept, at most
 * {@link ClassifierSettings#maxInterestingTokens()} of them, strongest first. Under the null hypothesis that the f(w)
 * are independent and uniform, −2 Σ ln f(w) is chi-square distributed with 2N degrees of freedom (Fisher's method [2]),
 * so
 * <pre>    H = Q(−2 Σ ln f(w), 2N)      S = Q(−2 Σ ln(1 − f(w)), 2N)      I = (1 + H − S) / 2</pre>
 * where Q is the chi-square survival function ({@link ChiSquare#q}). H near 1 means the f(w) are not small (no ham
 * evidence), S near 1 means they are not large (no spam evidence). I is near 1 for spam, near 0 for ham, and near 0.5
 * both when there is no evidence and when there is strong evidence both ways — which is the point: such messages are
 * "unsure" instead of confidently wrong [3]. SpamBayes writes the same quantity as (S' − H' + 1)/2 with S' = 1 − S and
 * H' = 1 − H.
 *
 * <p>References: [1] Gary Robinson, "A Statistical Approach to the Spam Problem", Linux Journal 107, 2003.
 * [2] R. A. Fisher, Statistical Methods for Research Workers, 1925, §21.1. [3] SpamBayes {@code classifier.py},
 * {@code chi2_spamprob}; Tim Peters' notes on the chi-combining experiments.
 *
 * <p>Stateless and thread-safe; {@link #classify} runs on the calling thread and reads each token's counts once.
 */
public final class BayesClassifier {

    private final ClassifierSettings settings;

    private BayesClassifier(ClassifierSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** A classifier with the given parameters. */
    public static BayesClassifier create(ClassifierSettings settings) {
        return new BayesClassifier(settings);
    }

    /** The settings this classifier was created with. */
    public ClassifierSettings settings() {
        return settings;
    }

    /** Classifies a message by its tokens. Exceptions thrown by {@code counts} propagate. */
    public BayesVerdict classify(MessageTokens tokens, TokenCounts counts) {
        requireNonNull(tokens, "tokens");
        requireNonNull(counts, "counts");
        long nSpam = counts.learnedSpam();
        long nHam = counts.learnedHam();
        boolean enoughData = nSpam >= settings.minSpam() && nHam >= settings.minHam();
        int size = tokens.size();
        long[] spam = new long[size];
        long[] ham = new long[size];
        counts.lookup(tokens, spam, ham);
        // Candidates packed as (strength, token index) so one primitive sort orders them strongest first and, among
        // equals, by token (the index follows the hash order): deterministic, no objects per token.
        long[] candidates = new long[size];
        double[] f = new double[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            double p = probability(spam[i], ham[i], nSpam, nHam);
            if (Double.isNaN(p) || Math.abs(p - 0.5) < settings.minStrength()) {
                continue;
            }
            f[i] = p;
            long strength = (long) (Math.abs(p - 0.5) * 0x7FFF_FFFFL);          // 31 bits, monotonic in |p − 0.5|
            candidates[n++] = ((0x7FFF_FFFFL - strength) << 32) | i;          // ascending sort = strongest first
        }
        if (n == 0) {
            return new BayesVerdict(0.5, 0, enoughData);
        }
        Arrays.sort(candidates, 0, n);
        int used = Math.min(n, settings.maxInterestingTokens());
        double sumLnF = 0.0;
        double sumLn1MinusF = 0.0;
        for (int k = 0; k < used; k++) {
            double p = f[(int) candidates[k]];
            sumLnF += Math.log(p);
            sumLn1MinusF += Math.log1p(-p);
        }
        double probability;
        if (settings.combining() == Combining.LOG_ODDS) {
            double z = (sumLnF - sumLn1MinusF) / Math.sqrt(used);
            probability = 1.0 / (1.0 + Math.exp(-z));
        } else {
            double h = ChiSquare.q(-2.0 * sumLnF, 2 * used);
            double s = ChiSquare.q(-2.0 * sumLn1MinusF, 2 * used);
            probability = (1.0 + h - s) / 2.0;
        }
        return new BayesVerdict(Math.min(1.0, Math.max(0.0, probability)), used, enoughData);
    }

    /** Robinson's f(w); NaN for a token never learned. Package-private for tests. */
    double probability(long spamCount, long hamCount, long nSpam, long nHam) {
        long n = spamCount + hamCount;
        if (n <= 0) {
            return Double.NaN;
        }
        double b = nSpam > 0 ? Math.min(1.0, (double) spamCount / nSpam) : 0.0;
        double g = nHam > 0 ? Math.min(1.0, (double) hamCount / nHam) : 0.0;
        if (b + g == 0.0) {
            return Double.NaN;                                // counts without learned totals: inconsistent store
        }
        double p = b / (b + g);
        return (settings.robinsonS() * settings.robinsonX() + n * p) / (settings.robinsonS() + n);
    }
}
