package org.postern.bayes;

import static java.util.Objects.requireNonNull;

/**
 * Parameters of {@link BayesClassifier}. The defaults were chosen by five-fold cross-validation on the training half
 * of the SpamAssassin corpus ({@code BayesTuning} in bench/, docs/BENCHMARKS.md); the minimum learned counts are
 * SpamAssassin's.
 *
 * @param minSpam              learned spam needed before the verdict counts as {@link BayesVerdict#enoughData()}
 * @param minHam               learned ham needed likewise
 * @param robinsonS            Robinson's s, the strength of the prior: how many observations the prior x is worth
 * @param robinsonX            Robinson's x, the assumed probability of a token seen too rarely to judge
 * @param minStrength          tokens with |f(w) − 0.5| below this are ignored as uninformative
 * @param maxInterestingTokens at most this many tokens, the strongest, enter the combination
 * @param combining            how the tokens' probabilities are combined
 */
public record ClassifierSettings(long minSpam, long minHam, double robinsonS, double robinsonX, double minStrength,
                                 int maxInterestingTokens, Combining combining) {

    /**
     * 200/200 learned (SpamAssassin's bayes_min_spam_num, bayes_min_ham_num); s = 0.6, x = 0.5, tokens at least 0.3
     * from 0.5, the 100 strongest, {@link Combining#LOG_ODDS}: the highest out-of-fold ROC AUC of the sweep.
     */
    public static final ClassifierSettings DEFAULT =
            new ClassifierSettings(200, 200, 0.6, 0.5, 0.3, 100, Combining.LOG_ODDS);

    public ClassifierSettings {
        if (minSpam < 0 || minHam < 0) {
            throw new IllegalArgumentException(
                    "minSpam and minHam must not be negative but were " + minSpam + " and " + minHam);
        }
        if (!(robinsonS > 0.0)) {
            throw new IllegalArgumentException("robinsonS must be positive but was " + robinsonS);
        }
        if (!(robinsonX > 0.0 && robinsonX < 1.0)) {
            throw new IllegalArgumentException("robinsonX must be strictly between 0 and 1 but was " + robinsonX);
        }
        if (!(minStrength >= 0.0 && minStrength < 0.5)) {
            throw new IllegalArgumentException("minStrength must be in [0, 0.5) but was " + minStrength);
        }
        requireNonNull(combining, "combining");
        if (maxInterestingTokens < 1) {
            throw new IllegalArgumentException("maxInterestingTokens must be positive but was " + maxInterestingTokens);
        }
    }

    /** The defaults with other minimum learned counts. */
    public static ClassifierSettings withMinimums(long minSpam, long minHam) {
        return new ClassifierSettings(minSpam, minHam, DEFAULT.robinsonS, DEFAULT.robinsonX, DEFAULT.minStrength,
                DEFAULT.maxInterestingTokens, DEFAULT.combining);
    }
}
