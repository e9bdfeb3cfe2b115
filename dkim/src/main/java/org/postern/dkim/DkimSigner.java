package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Signs outgoing mail with one key (RFC 6376 §5): rsa-sha256 or ed25519-sha256 (RFC 8463), relaxed or simple
 * canonicalization, a signed-header list with oversigning ({@link SignOptions}).
 *
 * <p>Use: {@link #begin} with the header fields at end of headers, {@link DkimSigning#body} for each body chunk, and
 * {@link DkimSigning#finish} for the DKIM-Signature value, to be inserted at the top (SMFIR_INSHEADER index 0).
 * Two signatures (RSA and Ed25519, RFC 8463 §6 suggests both while verifiers catch up) are two signers, each fed
 * the same headers and body.
 *
 * <p>Immutable and thread-safe. Signing is pure computation: no I/O, nothing blocks.
 */
public final class DkimSigner {

    private final DkimSigningKey key;
    private final String domain;
    private final String selector;
    private final SignOptions options;

    private DkimSigner(DkimSigningKey key, String domain, String selector, SignOptions options) {
        this.key = key;
        this.domain = domain;
        this.selector = selector;
        this.options = options;
    }

    /**
     * A signer for d={@code domain}, s={@code selector}.
     *
     * @throws IllegalArgumentException if the domain or selector is not a DNS name, i= is not within the domain, or
     *     the key is an RSA key under 1024 bits (RFC 8301 §3.2: "Signers MUST use RSA keys of at least 1024 bits")
     */
    public static DkimSigner create(DkimSigningKey key, String domain, String selector, SignOptions options) {
        requireNonNull(key, "key");
        requireNonNull(domain, "domain");
        requireNonNull(selector, "selector");
        requireNonNull(options, "options");
        if (!DomainNames.isDomain(domain)) {
            throw new IllegalArgumentException("signing domain is not a domain name: " + domain);
        }
        if (!DomainNames.isSelector(selector)) {
            throw new IllegalArgumentException("selector is not a DNS label sequence: " + selector);
        }
        if (options.identity().isPresent()) {
            String identity = options.identity().get();
            String identityDomain = identity.substring(identity.lastIndexOf('@') + 1);
            // RFC 6376 §3.5 i=: the domain part "MUST be the same as, or a subdomain of, the value of the "d=" tag".
            if (!DomainNames.isDomain(identityDomain) || !DomainNames.isSameOrSubdomain(identityDomain, domain)) {
                throw new IllegalArgumentException("identity " + identity + " is not within the signing domain "
                        + domain);
            }
        }
        if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.bits() < DkimVerifierSettings.RFC8301_MIN_RSA_BITS) {
            throw new IllegalArgumentException("RSA key of " + key.bits() + " bits is too short to sign with: "
                    + "RFC 8301 §3.2 requires at least 1024 (2048 recommended)");
        }
        return new DkimSigner(key, Ascii.lower(domain), selector, options);
    }

    /**
     * Starts signing one message.
     *
     * @param headers every header field, top to bottom, as it will be sent ({@link HeaderField}); the list is copied
     */
    public DkimSigning begin(List<HeaderField> headers) {
        return new DkimSigning(key, domain, selector, options, List.copyOf(headers));
    }
}
