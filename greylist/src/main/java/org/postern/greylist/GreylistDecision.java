package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * What greylisting decided for one recipient: {@link Pass}, {@link Defer}, or {@link StoreFailure} when the store
 * could not answer. Per-kind facts are methods every record implements, so the pipeline needs no type tests:
 * {@link #defers()} is the one fact the RCPT stage needs, {@link #detail()} the short reason for the symbol.
 */
public sealed interface GreylistDecision {

    /**
     * Whether the recipient must be deferred now (the pipeline answers {@code 451 4.7.1}). False for a pass and for
     * a store failure: Postern never tempfails because Postern itself broke.
     */
    boolean defers();

    /** A few words for the symbol's reason and the log line, lower case without spaces: "known_triplet". */
    String detail();

    /** Why a triplet passed. */
    enum PassReason {
        /** The triplet passed greylisting before and has not expired. */
        KNOWN_TRIPLET,
        /**
         * The triplet is new, but the same sender domain and recipient passed before from a client with the same
         * verified reverse domain (a big sender's other outbound address).
         */
        KNOWN_REVERSE_DOMAIN,
        /** The triplet was deferred before, and this retry came after the delay and within the retry window. */
        RETRY_AFTER_DELAY,
        /**
         * The same sender domain and recipient were deferred before, from a client with the same verified reverse
         * domain, and this retry came after the delay and within the retry window.
         */
        RETRY_FROM_REVERSE_DOMAIN,
        /** The client (its network or its verified reverse domain) is auto-allowlisted. */
        AUTO_ALLOWLISTED_CLIENT
    }

    /** Accept the recipient, as far as greylisting is concerned. */
    record Pass(PassReason reason) implements GreylistDecision {
        /** Checks that the reason is not null. */
        public Pass {
            requireNonNull(reason, "reason");
        }

        @Override
        public boolean defers() {
            return false;
        }

        @Override
        public String detail() {
            return reason.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Defer the recipient with a temporary failure.
     *
     * @param retryAfter   how long until a retry would pass (the rest of the delay); positive, except when the
     *                     policy's delay is 0
     * @param firstAttempt true if nothing was pending for this triplet (nor for its reverse-domain triplet) before
     *                     this attempt; false for a retry that came too early
     */
    record Defer(Duration retryAfter, boolean firstAttempt) implements GreylistDecision {
        /** Checks that {@code retryAfter} is not null or negative. */
        public Defer {
            requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, not " + retryAfter);
            }
        }

        @Override
        public boolean defers() {
            return true;
        }

        @Override
        public String detail() {
            return firstAttempt ? "first_attempt" : "early_retry";
        }
    }

    /**
     * The store failed (disk full, map full, I/O error): nothing was decided and the recipient is not deferred.
     *
     * @param cause what the store reported, for the WARN line
     */
    record StoreFailure(String cause) implements GreylistDecision {
        /** Checks that the cause is not null. */
        public StoreFailure {
            requireNonNull(cause, "cause");
        }

        @Override
        public boolean defers() {
            return false;
        }

        @Override
        public String detail() {
            return "store_failure";
        }
    }
}
