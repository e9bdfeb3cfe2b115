package org.postern.dkim;

/**
 * A key file that cannot be used: unreadable, readable by others, or not a key Postern signs with. The message is
 * one or two sentences for an administrator and names the file; no key material is ever in it.
 */
public final class DkimKeyException extends Exception {

    /** An exception with a message for an administrator. */
    public DkimKeyException(String message) {
        super(message);
    }

    /** An exception with a message for an administrator and the I/O or key-spec error behind it. */
    public DkimKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
