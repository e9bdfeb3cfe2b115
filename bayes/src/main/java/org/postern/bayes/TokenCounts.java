package org.postern.bayes;

/**
 * What {@link BayesClassifier} reads: how many learned spam and ham messages contained each token, and how many of each
 * were learned. Implementations are the embedded store, Redis, and {@link InMemoryTokenCounts}.
 *
 * <p>Every count is at least 0; a token never learned has counts 0 and 0. Calls run on the classifying thread (a
 * {@code work} executor thread in the daemon), so an implementation may block on local I/O but must not wait on the
 * network without a deadline. A classification reads all of a message's tokens in one {@link #lookup} call, so an
 * implementation can answer from one consistent snapshot and in key order.
 */
public interface TokenCounts {

    /**
     * For each token, {@code spam[i]} and {@code ham[i]} become the learned spam and ham messages that contained
     * {@code tokens.get(i)}. The arrays are at least {@code tokens.size()} long.
     */
    void lookup(MessageTokens tokens, long[] spam, long[] ham);

    /** Learned spam messages that contained this token string ({@code w:cheap}); a lookup per call, for tools. */
    default long spamCount(String token) {
        long[] spam = new long[1];
        lookup(MessageTokens.ofStrings(token), spam, new long[1]);
        return spam[0];
    }

    /** Learned ham messages that contained this token string; a lookup per call, for tools. */
    default long hamCount(String token) {
        long[] ham = new long[1];
        lookup(MessageTokens.ofStrings(token), new long[1], ham);
        return ham[0];
    }

    /** Spam messages learned in total. */
    long learnedSpam();

    /** Ham messages learned in total. */
    long learnedHam();
}
