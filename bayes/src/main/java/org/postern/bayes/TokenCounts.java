package org.postern.bayes;

/**
 * What {@link BayesClassifier} reads: how many learned spam and ham messages contained each token, and how many of each
 * were learned. Implementations are the embedded store, Redis, and {@link InMemoryTokenCounts}.
 *
 * <p>Every count is at least 0; a token never learned has counts 0 and 0. Calls run on the classifying thread (a
 * {@code work} executor thread in the daemon), so an implementation may block on local I/O but must not wait on the
 * network without a deadline. A classification reads many tokens; implementations should answer from one consistent
 * snapshot (one read transaction) where they can.
 */
public interface TokenCounts {

    /** Learned spam messages that contained {@code token}. */
    long spamCount(String token);

    /** Learned ham messages that contained {@code token}. */
    long hamCount(String token);

    /** Spam messages learned in total. */
    long learnedSpam();

    /** Ham messages learned in total. */
    long learnedHam();
}
