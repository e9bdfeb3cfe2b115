package org.postern.daemon.it;

/** Tear-down for tests that own several servers. */
final class Closing {

    private Closing() {}

    /**
     * Closes each resource in the given order, every one even when an earlier one throws; {@code null}s (a set-up
     * that failed half-way) are skipped. The first failure is rethrown with the later ones suppressed.
     */
    static void closeAll(AutoCloseable... resources) {
        Throwable first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception | Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        } else if (first instanceof Error err) {
            throw err;
        } else if (first != null) {
            throw new IllegalStateException("close failed", first);
        }
    }
}
