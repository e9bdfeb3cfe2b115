package org.postern.dkim;

import java.util.Optional;

/**
 * The signing algorithms Postern verifies and signs with. {@code rsa-sha1} is not here: RFC 8301 §3.1 says it "MUST
 * NOT be used for signing or verifying", so a signature with it is a permerror.
 */
public enum DkimAlgorithm {
    /** RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 with SHA-256; keys of at least 1024 bits (RFC 8301 §3.2). */
    RSA_SHA256("rsa-sha256", "rsa"),
    /** RFC 8463 §3: PureEdDSA Ed25519 over the SHA-256 hash of the header data. */
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tagValue;
    private final String keyType;

    DkimAlgorithm(String tagValue, String keyType) {
        this.tagValue = tagValue;
        this.keyType = keyType;
    }

    /** As written in {@code a=}: {@code rsa-sha256} or {@code ed25519-sha256}. */
    public String tagValue() {
        return tagValue;
    }

    /** The key record's {@code k=} (RFC 6376 §3.6.1, RFC 8463 §4): {@code rsa} or {@code ed25519}. */
    public String keyType() {
        return keyType;
    }

    /** The hash algorithm as named in a key record's {@code h=} tag: {@code sha256} for both. */
    String hashName() {
        return "sha256";
    }

    /** The algorithm named {@code text} in {@code a=} (case-insensitive), or empty. */
    static Optional<DkimAlgorithm> fromTag(String text) {
        for (DkimAlgorithm a : values()) {
            if (Ascii.equalsIgnoreCase(a.tagValue, text)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
