package org.postern.config;

/**
 * Autolearn from the milter pass (issue #5): messages whose score without Bayes is clearly spam or clearly ham are
 * learned into the global model. YAML key {@code bayes.autolearn}. Off by default.
 *
 * <p>The score used is the message's total without any Bayes symbol (what blocklists, SPF, DKIM, DMARC and the local
 * lists found), as SpamAssassin's {@code bayes_auto_learn} uses the score without its BAYES_* rules, so the classifier
 * never trains on its own opinion. Messages are learned for the global model only: one message reaches several
 * recipients, and learning it into each recipient's model would let one recipient's mail train another's.
 *
 * @param enabled   learn at all; default false
 * @param spamScore learn as spam from this score without Bayes; finite, default 12.0 (SpamAssassin's
 *                  {@code bayes_auto_learn_threshold_spam})
 * @param hamScore  learn as ham at or below this score without Bayes; finite and below {@code spamScore}; default
 *                  -0.5, so only mail with positive evidence (a DMARC pass, an allow entry) is learned as ham, not
 *                  mail that nothing is known about (score 0)
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record BayesAutolearn(boolean enabled, double spamScore, double hamScore) {

    static final BayesAutolearn DEFAULTS = new BayesAutolearn(false, 12.0, -0.5);

    public BayesAutolearn {
        Checks.finite("spam_score", spamScore);
        Checks.finite("ham_score", hamScore);
        if (hamScore >= spamScore) {
            throw InvalidValueException.ofKey("ham_score", "must be below spam_score (" + spamScore + "), not "
                    + hamScore);
        }
    }
}
