package org.postern.daemon.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One message a {@link MessageSource} found, before it is read or tokenized: a file a worker thread reads, bytes the
 * source already read (an mbox message, stdin), or a message the source already gave up on. Each is counted exactly
 * once in the summary.
 */
sealed interface PendingMessage {

    /** Where the message came from, as the summary names it: a path, or {@code path (message n)} inside an mbox. */
    String origin();

    /** A message file (Maildir, directory, single file), read by the worker that tokenizes it. */
    record OnDisk(Path path) implements PendingMessage {
        public OnDisk {
            requireNonNull(path, "path");
        }

        @Override
        public String origin() {
            return path.toString();
        }
    }

    /** A message the source has read already; at most {@code --max-size} bytes. */
    record InMemory(String origin, byte[] bytes) implements PendingMessage {
        public InMemory {
            requireNonNull(origin, "origin");
            requireNonNull(bytes, "bytes");
        }
    }

    /** A message larger than {@code --max-size}: counted as too big, never read whole. */
    record TooBig(String origin, long sizeBytes) implements PendingMessage {
        public TooBig {
            requireNonNull(origin, "origin");
        }
    }

    /**
     * A listed message file that was gone when a worker came to read it: expunged by a mail client during the run.
     * Not an error: the run learns what is there.
     */
    record Gone(String origin) implements PendingMessage {
        public Gone {
            requireNonNull(origin, "origin");
        }
    }

    /** A message or a whole PATH that could not be read; {@code reason} says why, for the summary. */
    record Unreadable(String origin, String reason) implements PendingMessage {
        public Unreadable {
            requireNonNull(origin, "origin");
            requireNonNull(reason, "reason");
        }
    }
}
