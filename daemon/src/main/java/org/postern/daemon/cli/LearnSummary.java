package org.postern.daemon.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.postern.bayes.LearnOutcome;

/**
 * What a {@code postern learn} run did, message by message, as sa-learn reports it: learned, already learned, moved,
 * forgotten, not learned (forget of an unknown message), too big, unreadable with reasons. A store outcome is counted
 * only after the transaction that stored it committed, so "learned" always means "on disk".
 *
 * <p>Not thread-safe: the committer thread of the run owns it while it runs. At most {@value #MAX_REASONS} unreadable
 * reasons are kept, so memory stays bounded however broken the input.
 */
final class LearnSummary {

    static final int MAX_REASONS = 1000;

    private final long[] outcomes = new long[LearnOutcome.values().length];
    private long tooBig;
    private long gone;
    private long unreadable;
    private final List<String> reasons = new ArrayList<>();

    void record(LearnOutcome outcome) {
        outcomes[outcome.ordinal()]++;
    }

    void recordTooBig() {
        tooBig++;
    }

    void recordGone() {
        gone++;
    }

    void recordUnreadable(String origin, String reason) {
        unreadable++;
        if (reasons.size() < MAX_REASONS) {
            reasons.add(origin + ": " + reason);
        }
    }

    long count(LearnOutcome... wanted) {
        long n = 0;
        for (LearnOutcome o : wanted) {
            n += outcomes[o.ordinal()];
        }
        return n;
    }

    long tooBig() {
        return tooBig;
    }

    long unreadable() {
        return unreadable;
    }

    /** Every message handled so far, whatever became of it: the progress bar's "done". */
    long done() {
        long n = tooBig + gone + unreadable;
        for (long o : outcomes) {
            n += o;
        }
        return n;
    }

    /**
     * The summary printed at the end, one count per line, unreadable messages listed with their reasons:
     * <pre>
     * learned:             4988
     * already learned:       10 (skipped)
     * moved:                  2 (had been learned as ham)
     * too big:                1 (skipped, over --max-size 33554432 bytes)
     * unreadable:             1
     *   /home/a/Maildir/cur/1700000000.x: permission denied
     * 5001 messages in 1.1 s (4546 messages/s)
     * </pre>
     *
     * @param forget whether the run was {@code --forget} (then "forgotten" and "not learned" replace the learn lines)
     * @param spam   for a learn run, whether it learned spam (moved messages had been learned as the other class)
     */
    String render(boolean forget, boolean spam, long maxSizeBytes, Duration elapsed) {
        StringBuilder b = new StringBuilder();
        if (forget) {
            line(b, "forgotten", count(LearnOutcome.FORGOTTEN), "");
            line(b, "not learned", count(LearnOutcome.NOT_LEARNED), " (skipped, was never learned)");
        } else {
            line(b, "learned", count(LearnOutcome.LEARNED), "");
            line(b, "already learned", count(LearnOutcome.ALREADY_LEARNED), " (skipped)");
            line(b, "moved", count(LearnOutcome.MOVED), " (had been learned as " + (spam ? "ham" : "spam") + ")");
        }
        line(b, "too big", tooBig, " (skipped, over --max-size " + maxSizeBytes + " bytes)");
        if (gone > 0) {
            line(b, "gone", gone, " (removed from the mailbox while the run read it)");
        }
        line(b, "unreadable", unreadable, "");
        for (String r : reasons) {
            b.append("  ").append(r).append('\n');
        }
        if (unreadable > reasons.size()) {
            b.append("  ... and ").append(unreadable - reasons.size()).append(" more\n");
        }
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        long done = done();
        b.append(String.format(Locale.ROOT, "%d messages in %.1f s (%d messages/s)\n", done, seconds,
                Math.round(done / seconds)));
        return b.toString();
    }

    private static void line(StringBuilder b, String label, long n, String note) {
        b.append(String.format(Locale.ROOT, "%-16s %8d", label + ":", n)).append(n > 0 ? note : "").append('\n');
    }
}
