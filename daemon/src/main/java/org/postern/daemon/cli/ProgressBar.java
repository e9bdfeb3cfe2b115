package org.postern.daemon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code postern learn --progress}: a progress line on standard error with how many messages are done, the rate and
 * the time left.
 *
 * <p>On a terminal the line is redrawn in place (carriage return, no newline) at most {@value #TERMINAL_REDRAWS_PER_S}
 * times a second. Anywhere else (a pipe, a cron log) carriage returns would pile up into one endless line, so a
 * complete line is written at most every {@link #LOG_INTERVAL} instead. The rate is the average since the start of the
 * run; the time left assumes it stays.
 *
 * <p>Not thread-safe: the committer thread of the learn run owns it. Time comes from {@code nanoTime} so tests can
 * move it.
 */
final class ProgressBar {

    static final int TERMINAL_REDRAWS_PER_S = 10;
    static final Duration LOG_INTERVAL = Duration.ofSeconds(5);
    private static final int BAR_CELLS = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final long intervalNanos;
    private long total;
    private long lastDrawNanos;
    private boolean drawn;
    private int lastLength;

    /**
     * @param total    messages expected, or -1 when unknown (the line then shows the count and rate only)
     * @param terminal whether {@code err} is a terminal (redraw in place) or not (write whole lines, seldom)
     */
    ProgressBar(PrintWriter err, boolean terminal, long total, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.intervalNanos = terminal ? 1_000_000_000L / TERMINAL_REDRAWS_PER_S : LOG_INTERVAL.toNanos();
    }

    /** Updates the line with {@code done} messages finished, if it is time to redraw. */
    void update(long done) {
        long now = nanoTime.getAsLong();
        if (drawn && now - lastDrawNanos < intervalNanos) {
            return;
        }
        draw(done, now);
    }

    /** Draws the final state and ends the line, so the summary starts on a line of its own. */
    void finish(long done) {
        if (total >= 0 && done > total) {
            total = done;
        }
        draw(done, nanoTime.getAsLong());
        if (terminal) {
            err.print('\n');
        }
        err.flush();
    }

    private void draw(long done, long now) {
        lastDrawNanos = now;
        drawn = true;
        String line = render(done, total, Duration.ofNanos(now - startNanos));
        if (terminal) {
            // Pad over the end of a longer previous line; \r returns to its start.
            StringBuilder b = new StringBuilder(line.length() + 8).append('\r').append(line);
            for (int i = line.length(); i < lastLength; i++) {
                b.append(' ');
            }
            lastLength = line.length();
            err.print(b);
        } else {
            err.println(line);
        }
        err.flush();
    }

    /**
     * The progress line, for example {@code [#########.....................]  31%  3100/10000  5230 msg/s  0:01 left}.
     * With an unknown total: {@code 3100 messages  5230 msg/s}.
     */
    static String render(long done, long total, Duration elapsed) {
        double seconds = elapsed.toNanos() / 1e9;
        long rate = seconds > 0 ? Math.round(done / seconds) : 0;
        if (total < 0) {
            return String.format(Locale.ROOT, "%d messages  %d msg/s", done, rate);
        }
        long shown = Math.min(done, total);
        int cells = total == 0 ? BAR_CELLS : (int) (shown * BAR_CELLS / total);
        int percent = total == 0 ? 100 : (int) (shown * 100 / total);
        String left = rate > 0 ? clock(Math.round((total - shown) / (double) rate)) : "-:--";
        return "[" + "#".repeat(cells) + ".".repeat(BAR_CELLS - cells) + "] "
                + String.format(Locale.ROOT, "%3d%%  %d/%d  %d msg/s  %s left", percent, shown, total, rate, left);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
