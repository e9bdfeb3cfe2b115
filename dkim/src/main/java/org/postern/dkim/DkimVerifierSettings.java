package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link DkimVerifier} verifies.
 *
 * @param maxSignatures    DKIM-Signature fields evaluated per message, top to bottom; the rest are reported as
 *                         {@link DkimResult.Neutral} without a key lookup (RFC 6376 §6.1 lets verifiers limit the
 *                         number of signatures they try), so a message cannot make us send a
 *                         hundred queries (at least 1)
 * @param minRsaBits       RSA keys shorter than this verify to {@link DkimResult.Policy}; at least 1024, because RFC
 *                         8301 §3.2 makes anything shorter invalid ({@link DkimResult.PermError}) whatever is set here
 * @param clockSkew        how far t= may lie in the future, and how long after x= a signature is still accepted,
 *                         to allow for clocks that disagree (RFC 6376 §3.5 t=, x=; not negative)
 * @param keyLookupTimeout the deadline of one key lookup, after which it is a {@link DkimResult.TempError} even if
 *                         the resolver is still trying (positive)
 * @param clock            the clock x= and t= are compared with; tests pass a fixed one
 */
public record DkimVerifierSettings(int maxSignatures, int minRsaBits, Duration clockSkew, Duration keyLookupTimeout,
                                   Clock clock) {

    /** The smallest RSA key RFC 8301 §3.2 lets a verifier accept. */
    public static final int RFC8301_MIN_RSA_BITS = 1024;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a number or duration is out of range, with a sentence saying which
     */
    public DkimVerifierSettings {
        if (maxSignatures < 1) {
            throw new IllegalArgumentException("maxSignatures must be at least 1, not " + maxSignatures);
        }
        if (minRsaBits < RFC8301_MIN_RSA_BITS) {
            throw new IllegalArgumentException("minRsaBits must be at least " + RFC8301_MIN_RSA_BITS
                    + " (RFC 8301 §3.2), not " + minRsaBits);
        }
        requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative: " + clockSkew);
        }
        requireNonNull(keyLookupTimeout, "keyLookupTimeout");
        if (keyLookupTimeout.isNegative() || keyLookupTimeout.isZero()) {
            throw new IllegalArgumentException("keyLookupTimeout must be positive: " + keyLookupTimeout);
        }
        requireNonNull(clock, "clock");
    }

    /** 5 signatures, RSA keys from 1024 bits, 5 minutes of clock skew, 10 s per key lookup, the UTC system clock. */
    public static DkimVerifierSettings defaults() {
        return new DkimVerifierSettings(5, RFC8301_MIN_RSA_BITS, Duration.ofMinutes(5), Duration.ofSeconds(10),
                Clock.systemUTC());
    }

    /** A copy with another clock. */
    public DkimVerifierSettings withClock(Clock clock) {
        return new DkimVerifierSettings(maxSignatures, minRsaBits, clockSkew, keyLookupTimeout, clock);
    }
}
