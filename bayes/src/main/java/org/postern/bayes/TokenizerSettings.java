package org.postern.bayes;

/**
 * Limits and options of {@link BayesTokenizer}.
 *
 * @param maxBytesScanned bytes of the raw message that are parsed; bytes beyond are ignored, so the work per message is
 *                        bounded whatever its size (the message is tokenized as if it ended there)
 * @param maxTokens       distinct tokens kept per message; later ones are dropped (headers come first)
 * @param bigramWindow    orthogonal sparse bigrams over the body words: each word is paired with each of the next
 *                        {@code bigramWindow - 1} words; 2 gives plain adjacent bigrams and 1 turns bigrams off
 */
public record TokenizerSettings(int maxBytesScanned, int maxTokens, int bigramWindow) {

    /**
     * 512 KiB scanned, 20,000 distinct tokens, no bigrams: on the SpamAssassin corpus every bigram window (2, 3, 5,
     * measured by cross-validation on the training half, docs/BENCHMARKS.md) lowered ROC AUC and the spam caught at
     * 0.1% false positives, as the rarer pairs dilute the 150 strongest clues.
     */
    public static final TokenizerSettings DEFAULT = new TokenizerSettings(512 * 1024, 20_000, 1);

    /** Largest window: beyond this OSB pairs mostly unrelated words and multiplies the token count. */
    public static final int MAX_BIGRAM_WINDOW = 8;

    public TokenizerSettings {
        if (maxBytesScanned < 1) {
            throw new IllegalArgumentException("maxBytesScanned must be positive but was " + maxBytesScanned);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive but was " + maxTokens);
        }
        if (bigramWindow < 1 || bigramWindow > MAX_BIGRAM_WINDOW) {
            throw new IllegalArgumentException(
                    "bigramWindow must be between 1 and " + MAX_BIGRAM_WINDOW + " but was " + bigramWindow);
        }
    }

    /** The given limits with the default bigram window. */
    public TokenizerSettings(int maxBytesScanned, int maxTokens) {
        this(maxBytesScanned, maxTokens, DEFAULT.bigramWindow());
    }
}
