package org.postern.greylist;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The second process of {@link LmdbGreylistStoreIT}: opens the store the test process holds open, reports whether
 * it sees the test's entry, writes its own, says so, and waits for stdin to close or to be killed. It never closes
 * the store: the test kills it with SIGKILL to show that an acknowledged write survives.
 */
public final class LmdbStoreChild {

    private LmdbStoreChild() {
    }

    /** Arguments: the store directory, the sender of the entry to look for, the sender of the entry to write. */
    public static void main(String[] args) throws IOException {
        LmdbGreylistStore store = LmdbGreylistStore.open(Path.of(args[0]));
        boolean seen = store.get(LmdbGreylistStoreIT.key(args[1])).isPresent();
        store.put(LmdbGreylistStoreIT.key(args[2]), new GreylistEntry.Passed(Instant.parse(args[3])));
        System.out.println("seen=" + seen + " written");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait to be killed; a closed stdin (the test gave up) ends the process.
        }
        Runtime.getRuntime().halt(3);
    }
}
