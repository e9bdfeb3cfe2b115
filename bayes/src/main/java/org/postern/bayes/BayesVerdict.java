package org.postern.bayes;

/**
 * The outcome of {@link BayesClassifier#classify}.
 *
 * @param probability spam probability in [0, 1]; 0.5 when no token was interesting
 * @param tokensUsed  the tokens that entered the chi-square combination (at most
 *                    {@link ClassifierSettings#maxInterestingTokens()})
 * @param enoughData  whether the counts had at least {@link ClassifierSettings#minSpam()} learned spam and
 *                    {@link ClassifierSettings#minHam()} learned ham; when false the probability is computed anyway but
 *                    callers should fall back to the global model or emit no symbol
 */
public record BayesVerdict(double probability, int tokensUsed, boolean enoughData) {

    public BayesVerdict {
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1] but was " + probability);
        }
        if (tokensUsed < 0) {
            throw new IllegalArgumentException("tokensUsed must not be negative but was " + tokensUsed);
        }
    }
}
