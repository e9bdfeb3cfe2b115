package org.postern.bayes;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.PriorityQueue;

/**
 * Robinson–Fisher chi-square classifier, as in SpamBayes and SpamAssassin's {@code Bayes/CombineChi.pm}.
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

    /**
     * Classifies a message by its distinct tokens (duplicates in {@code tokens} would count twice; pass the output of
     * {@link BayesTokenizer#tokenize}). Exceptions thrown by {@code counts} propagate.
     */
    public BayesVerdict classify(Collection<String> tokens, TokenCounts counts) {
        requireNonNull(tokens, "tokens");
        requireNonNull(counts, "counts");
        long nSpam = counts.learnedSpam();
        long nHam = counts.learnedHam();
        boolean enoughData = nSpam >= settings.minSpam() && nHam >= settings.minHam();
        int max = settings.maxInterestingTokens();
        // Min-heap on strength: the weakest kept clue is at the head and is the one replaced.
        var strongest = new PriorityQueue<Clue>(max + 1);
        for (String token : tokens) {
            double f = probability(counts.spamCount(token), counts.hamCount(token), nSpam, nHam);
            if (Double.isNaN(f) || Math.abs(f - 0.5) < settings.minStrength()) {
                continue;
            }
            strongest.add(new Clue(token, f));
            if (strongest.size() > max) {
                strongest.poll();
            }
        }
        int n = strongest.size();
        if (n == 0) {
            return new BayesVerdict(0.5, 0, enoughData);
        }
        double sumLnF = 0.0;
        double sumLn1MinusF = 0.0;
        for (Clue clue : strongest) {
            sumLnF += Math.log(clue.f);
            sumLn1MinusF += Math.log1p(-clue.f);
        }
        double h = ChiSquare.q(-2.0 * sumLnF, 2 * n);
        double s = ChiSquare.q(-2.0 * sumLn1MinusF, 2 * n);
        double indicator = (1.0 + h - s) / 2.0;
        return new BayesVerdict(Math.min(1.0, Math.max(0.0, indicator)), n, enoughData);
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

    /** A token's probability, ordered by strength |f − 0.5| and then by token so that ties select deterministically. */
    private record Clue(String token, double f) implements Comparable<Clue> {
        @Override
        public int compareTo(Clue other) {
            int byStrength = Double.compare(Math.abs(f - 0.5), Math.abs(other.f - 0.5));
            return byStrength != 0 ? byStrength : other.token.compareTo(token);
        }
    }
}
