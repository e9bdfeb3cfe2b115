package org.postern.greylist;

/**
 * A {@link GreylistStore} could not do what was asked because of its environment: the disk or the memory map is
 * full, an I/O error, a lock that cannot be taken. Not thrown for bugs (those are {@link IllegalStateException} and
 * the like). {@link Greylister#check} turns it into a {@link GreylistDecision.StoreFailure}.
 */
public final class GreylistStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a sentence saying what failed and the store's own exception as the cause. */
    public GreylistStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
