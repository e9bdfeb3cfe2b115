package org.postern.dkim;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of verifying one DKIM-Signature field, one record per Authentication-Results result (RFC 8601
 * §2.7.1). Every result names the signature by {@link #domain()} (d=), {@link #selector()} (s=) and
 * {@link #headerB()} (the first 8 chars of b=, RFC 6008), each empty when the signature was too broken to tell, and
 * says why in {@link #reason()}.
 *
 * <p>How RFC 6376's outcomes map here: SUCCESS is {@link Pass}; a PERMFAIL because the body hash or the signature
 * did not verify is {@link Fail}; every other PERMFAIL (syntax, no key, revoked key, expired, From not signed, key
 * flags, RFC 8301's rsa-sha1 and keys under 1024 bits) is {@link PermError}; TEMPFAIL (the key lookup timed out or
 * failed) is {@link TempError}. {@link Policy} is a signature that verifies but that local policy refuses (an RSA key
 * shorter than {@link DkimVerifierSettings#minRsaBits()} but not under RFC 8301's 1024), and {@link Neutral} one that
 * was not looked at (beyond {@link DkimVerifierSettings#maxSignatures()}).
 */
public sealed interface DkimResult {

    /** The result as written in Authentication-Results (RFC 8601 §2.7.1): pass, fail, neutral, policy, ... */
    String keyword();

    /** d= of the signature, lower case; empty if the signature had no usable d=. */
    String domain();

    /** s= of the signature; empty if it had no usable s=. */
    String selector();

    /** The first 8 chars of b= (RFC 6008 §4), or fewer, or empty. */
    String headerB();

    /** Why, in a few words ("body hash did not verify", "no key for signature"); for a pass, any caveat or "". */
    String reason();

    /**
     * This result as an RFC 8601 resinfo, without the leading ";":
     * {@code dkim=fail reason="body hash did not verify" header.d=example.org header.s=sel header.b=abcdefgh}. A
     * pass has a reason only with a caveat (testing key, body beyond l=). Empty d=, s= or b= are left out.
     */
    default String authenticationResults() {
        return AuthenticationResults.resinfo(this);
    }

    /**
     * The signature verified (RFC 6376 §6.1.3 SUCCESS).
     *
     * @param domain             d=, lower case; for DMARC alignment (RFC 7489 §3.1.1) this is the domain to use
     * @param selector           s=
     * @param headerB            the first 8 chars of b=
     * @param identityDomain     the domain of i=, lower case, or d= when the signature has none
     * @param algorithm          a=
     * @param testing            the key record has {@code t=y}: RFC 6376 §3.6.1 says verifiers "MUST NOT treat
     *                           messages from Signers in testing mode differently from unsigned email", so a
     *                           pipeline should give such a pass no credit
     * @param unsignedBodyOctets canonical body octets after the {@code l=} count, which nobody signed (0 without
     *                           l=); RFC 6376 §8.2 says why a pipeline may distrust such a body
     */
    record Pass(String domain, String selector, String headerB, String identityDomain, DkimAlgorithm algorithm,
                boolean testing, long unsignedBodyOctets) implements DkimResult {
        public Pass {
            requireNonNull(domain, "domain");
            requireNonNull(selector, "selector");
            requireNonNull(headerB, "headerB");
            requireNonNull(identityDomain, "identityDomain");
            requireNonNull(algorithm, "algorithm");
            if (unsignedBodyOctets < 0) {
                throw new IllegalArgumentException("unsignedBodyOctets must not be negative: " + unsignedBodyOctets);
            }
        }
        public String keyword() { return "pass"; }
        public String reason() {
            if (testing) {
                return "key in testing mode (t=y)";
            }
            return unsignedBodyOctets > 0 ? unsignedBodyOctets + " body octets beyond l= are not signed" : "";
        }
    }

    /** The signature or the body hash did not verify: the message changed, or the signer is broken. */
    record Fail(String domain, String selector, String headerB, String reason) implements DkimResult {
        public Fail {
            checkFields(domain, selector, headerB, reason);
        }
        public String keyword() { return "fail"; }
    }

    /** The signature could not be evaluated and a retry will not help (syntax, no key, revoked, expired, ...). */
    record PermError(String domain, String selector, String headerB, String reason) implements DkimResult {
        public PermError {
            checkFields(domain, selector, headerB, reason);
        }
        public String keyword() { return "permerror"; }
    }

    /** The key could not be fetched now (DNS timeout, SERVFAIL); a later retry may succeed. */
    record TempError(String domain, String selector, String headerB, String reason) implements DkimResult {
        public TempError {
            checkFields(domain, selector, headerB, reason);
        }
        public String keyword() { return "temperror"; }
    }

    /** The signature verified, but local policy does not accept it (an RSA key under the configured minimum). */
    record Policy(String domain, String selector, String headerB, String reason) implements DkimResult {
        public Policy {
            checkFields(domain, selector, headerB, reason);
        }
        public String keyword() { return "policy"; }
    }

    /** The signature was not evaluated (more signatures than {@link DkimVerifierSettings#maxSignatures()}). */
    record Neutral(String domain, String selector, String headerB, String reason) implements DkimResult {
        public Neutral {
            checkFields(domain, selector, headerB, reason);
        }
        public String keyword() { return "neutral"; }
    }

    private static void checkFields(String domain, String selector, String headerB, String reason) {
        requireNonNull(domain, "domain");
        requireNonNull(selector, "selector");
        requireNonNull(headerB, "headerB");
        requireNonNull(reason, "reason");
    }
}
