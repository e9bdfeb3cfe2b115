package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The processing limits of RFC 7208 §4.6.4. Use {@link #defaults()} unless you have a reason: the RFC's values are
 * what publishers test their records against.
 *
 * @param maxDnsMechanisms DNS-querying terms (include, a, mx, ptr, exists, redirect) per evaluation, include and
 *                         redirect trees counted as a whole; one more is a permerror. RFC: 10
 * @param maxVoidLookups   lookups answering NXDOMAIN or no records; one more is a permerror. RFC: 2
 * @param maxMxNames       MX records of one mx mechanism; more is a permerror. RFC: 10
 * @param maxPtrNames      PTR names looked at by one ptr mechanism or {@code %{p}}; the rest are ignored. RFC: 10
 * @param overallTimeout   the whole evaluation, exp= included; when it passes the result is temperror (RFC 7208 §4.6.4
 *                         asks for at least 20 seconds)
 */
public record SpfLimits(int maxDnsMechanisms, int maxVoidLookups, int maxMxNames, int maxPtrNames,
                        Duration overallTimeout) {

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if a count is not positive (the void lookups may be 0) or the timeout is not
     */
    public SpfLimits {
        if (maxDnsMechanisms < 1 || maxVoidLookups < 0 || maxMxNames < 1 || maxPtrNames < 1) {
            throw new IllegalArgumentException(String.format(
                    "limits must be positive (void lookups may be 0): dns mechanisms %d, void lookups %d, "
                            + "mx names %d, ptr names %d", maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames));
        }
        requireNonNull(overallTimeout, "overallTimeout");
        if (overallTimeout.isNegative() || overallTimeout.isZero()) {
            throw new IllegalArgumentException("overall timeout must be positive, not " + overallTimeout);
        }
    }

    /** RFC 7208 §4.6.4: 10 DNS-querying terms, 2 void lookups, 10 MX names, 10 PTR names; 20 seconds overall. */
    public static SpfLimits defaults() {
        return new SpfLimits(10, 2, 10, 10, Duration.ofSeconds(20));
    }
}
