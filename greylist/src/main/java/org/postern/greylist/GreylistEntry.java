package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a {@link GreylistStore} remembers about a {@link GreylistKey}. Every entry carries the instant it expires,
 * so a store can purge without knowing the policy; instants are kept to the millisecond (constructors truncate).
 */
public sealed interface GreylistEntry {

    /** When the entry stops counting and may be deleted. */
    Instant expiresAt();

    /** Whether the entry still counts at {@code now}: {@code now} is before {@link #expiresAt()}. */
    default boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt());
    }

    /**
     * A triplet that was deferred and has not passed yet.
     *
     * @param firstSeen when it was first deferred; the retry delay counts from here
     * @param expiresAt the end of the retry window
     */
    record Pending(Instant firstSeen, Instant expiresAt) implements GreylistEntry {
        /** Checks for nulls and truncates to milliseconds. */
        public Pending {
            firstSeen = requireNonNull(firstSeen, "firstSeen").truncatedTo(ChronoUnit.MILLIS);
            expiresAt = requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * A triplet that passed greylisting.
     *
     * @param expiresAt its last use plus the passed lifetime
     */
    record Passed(Instant expiresAt) implements GreylistEntry {
        /** Checks for null and truncates to milliseconds. */
        public Passed {
            expiresAt = requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * A client on its way to auto-allowlisting.
     *
     * @param passedTriplets how many of its triplets have passed; positive
     * @param expiresAt      the last pass plus the auto-allowlist lifetime
     */
    record Counting(int passedTriplets, Instant expiresAt) implements GreylistEntry {
        /** Checks for null and a positive count, and truncates to milliseconds. */
        public Counting {
            if (passedTriplets < 1) {
                throw new IllegalArgumentException("passed triplets must be positive, not " + passedTriplets);
            }
            expiresAt = requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * An auto-allowlisted client.
     *
     * @param expiresAt its last use plus the auto-allowlist lifetime
     */
    record Allowlisted(Instant expiresAt) implements GreylistEntry {
        /** Checks for null and truncates to milliseconds. */
        public Allowlisted {
            expiresAt = requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        }
    }
}
