package org.postern.daemon.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for a condition on files that another process (Postfix) writes, with a deadline and no blind sleeps.
 *
 * <p>The condition is checked, then the caller's thread blocks on a {@link WatchService} that wakes it as soon as
 * something changes in one of the watched directories; it re-checks at least every {@link #RECHECK} anyway, because
 * a directory may be created after the wait began (a Maildir appears with the first delivery) and inotify can drop
 * events. When the deadline passes the wait fails with an {@link AssertionError} that carries the caller's
 * diagnostics (typically the tail of Postfix's log), so a red test says what Postfix did.
 */
final class Await {

    /** Longest time between two checks of the condition, whatever the watch service reports. */
    static final Duration RECHECK = Duration.ofMillis(100);

    private Await() {}

    /**
     * Returns the condition's value as soon as it is present.
     *
     * @param what        what is awaited, for the failure message ("a message for alice")
     * @param timeout     how long to wait at most
     * @param watched     directories whose changes wake the wait early; missing ones are skipped
     * @param condition   checked on the caller's thread; empty means "not yet"
     * @param diagnostics evaluated only on timeout, appended to the failure message
     * @throws AssertionError when the deadline passes first
     */
    static <T> T until(String what, Duration timeout, List<Path> watched, Supplier<Optional<T>> condition,
            Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            for (Path dir : watched) {
                if (Files.isDirectory(dir)) {
                    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                }
            }
            while (true) {
                Optional<T> value = condition.get();
                if (value.isPresent()) {
                    return value.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                            + "\n" + diagnostics.get());
                }
                WatchKey key = watch.poll(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (ClosedWatchServiceException e) {
            throw new IllegalStateException("watch service closed while waiting for " + what, e);
        }
    }
}
