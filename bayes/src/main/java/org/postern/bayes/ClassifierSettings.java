package org.postern.bayes;

/**
 * Parameters of {@link BayesClassifier}. The defaults are SpamAssassin's and SpamBayes'.
 *
 * @param minSpam              learned spam needed before the verdict counts as {@link BayesVerdict#enoughData()}
 * @param minHam               learned ham needed likewise
 * @param robinsonS            Robinson's s, the strength of the prior: how many observations the prior x is worth
 * @param robinsonX            Robinson's x, the assumed probability of a token seen too rarely to judge
 * @param minStrength          tokens with |f(w) − 0.5| below this are ignored as uninformative
 * @param maxInterestingTokens at most this many tokens, the strongest, enter the combination
 */
public record ClassifierSettings(long minSpam, long minHam, double robinsonS, double robinsonX, double minStrength,
                                 int maxInterestingTokens) {

    /** 200/200 learned (SpamAssassin's bayes_min_spam_num, bayes_min_ham_num), s = 1, x = 0.5, 0.1, 150 tokens. */
    public static final ClassifierSettings DEFAULT = new ClassifierSettings(200, 200, 1.0, 0.5, 0.1, 150);

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
        if (maxInterestingTokens < 1) {
            throw new IllegalArgumentException("maxInterestingTokens must be positive but was " + maxInterestingTokens);
        }
    }

    /** The defaults with other minimum learned counts. */
    public static ClassifierSettings withMinimums(long minSpam, long minHam) {
        return new ClassifierSettings(minSpam, minHam, DEFAULT.robinsonS, DEFAULT.robinsonX, DEFAULT.minStrength,
                DEFAULT.maxInterestingTokens);
    }
}
