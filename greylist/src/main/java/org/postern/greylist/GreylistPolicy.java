package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long greylisting delays and remembers. Use {@link #defaults()} unless you have a reason: they are postgrey's
 * long-tested values (5 minutes, 35 days) plus a two-day retry window, longer than any MTA's first retry interval.
 *
 * <p>Times are kept to the millisecond.
 *
 * @param delay                 how long after the first attempt a retry of the same triplet is accepted; 0 accepts
 *                              any retry (the first attempt is still deferred)
 * @param retryWindow           how long after the first attempt a retry still counts; a later one starts over. Longer
 *                              than {@code delay}
 * @param passedLifetime        how long a triplet that passed is remembered after its last use
 * @param ipv4Prefix            IPv4 clients in the same network of this prefix length (0..32) are one client
 * @param ipv6Prefix            IPv6 clients in the same network of this prefix length (0..128) are one client
 * @param autoAllowlistAfter    after this many triplets of one client have passed, the client is no longer
 *                              greylisted; 0 turns auto-allowlisting off
 * @param autoAllowlistLifetime how long an auto-allowlisted client (and a client's count of passed triplets) is
 *                              remembered after its last use
 */
public record GreylistPolicy(Duration delay, Duration retryWindow, Duration passedLifetime, int ipv4Prefix,
                             int ipv6Prefix, int autoAllowlistAfter, Duration autoAllowlistLifetime) {

    /**
     * Checks the policy.
     *
     * @throws IllegalArgumentException with a sentence naming the value, if a duration is negative, a lifetime or the
     *     window is not positive, the window is not longer than the delay, a prefix length is out of range, or the
     *     auto-allowlist count is negative
     */
    public GreylistPolicy {
        requireNonNull(delay, "delay");
        requireNonNull(retryWindow, "retryWindow");
        requireNonNull(passedLifetime, "passedLifetime");
        requireNonNull(autoAllowlistLifetime, "autoAllowlistLifetime");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("greylist delay must not be negative, not " + delay);
        }
        if (retryWindow.compareTo(delay) <= 0) {
            throw new IllegalArgumentException(
                    "greylist retry window must be longer than the delay (" + delay + "), not " + retryWindow);
        }
        requirePositive(passedLifetime, "greylist passed lifetime");
        requirePositive(autoAllowlistLifetime, "greylist auto-allowlist lifetime");
        if (ipv4Prefix < 0 || ipv4Prefix > 32) {
            throw new IllegalArgumentException("greylist IPv4 prefix length must be 0..32, not " + ipv4Prefix);
        }
        if (ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("greylist IPv6 prefix length must be 0..128, not " + ipv6Prefix);
        }
        if (autoAllowlistAfter < 0) {
            throw new IllegalArgumentException(
                    "greylist auto-allowlist count must be 0 (off) or positive, not " + autoAllowlistAfter);
        }
    }

    /**
     * Delay 5 minutes, retry window 2 days, passed triplets remembered 35 days, IPv4 /24 and IPv6 /64 networks,
     * clients auto-allowlisted after 5 passed triplets for 35 days.
     */
    public static GreylistPolicy defaults() {
        return new GreylistPolicy(Duration.ofMinutes(5), Duration.ofDays(2), Duration.ofDays(35), 24, 64, 5,
                Duration.ofDays(35));
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}
