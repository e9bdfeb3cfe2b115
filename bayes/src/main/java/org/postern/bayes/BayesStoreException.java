package org.postern.bayes;

/**
 * The Bayes store failed: it could not be opened, the disk or the map is full, or LMDB reported an error. Unchecked,
 * because a caller can only log it and go on without Bayes (classification) or report the message as unreadable
 * (learning). Misuse (a closed store, a bad argument) is {@link IllegalStateException} or
 * {@link IllegalArgumentException} instead.
 */
public final class BayesStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with the store's own reason, such as a refused format stamp. */
    public BayesStoreException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause} (an LMDB or I/O error). Public so that other stores and tests can fail so. */
    public BayesStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
