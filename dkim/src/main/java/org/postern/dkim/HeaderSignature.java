package org.postern.dkim;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * The signature over the header data (RFC 6376 §3.7) with the JDK's providers: RSASSA-PKCS1-v1_5 with SHA-256
 * (RFC 6376 §3.3.1) and Ed25519 over the SHA-256 hash of the data (RFC 8463 §3: the message hash of RFC 6376 is
 * computed with SHA-256, and that hash is signed with PureEdDSA Ed25519). Both are deterministic.
 */
final class HeaderSignature {
    private HeaderSignature() {}

    /** Whether {@code signature} is {@code key}'s signature of {@code data}; a malformed signature is just false. */
    static boolean verify(DkimAlgorithm algorithm, PublicKey key, byte[] data, byte[] signature) {
        Signature verifier = instance(algorithm);
        try {
            verifier.initVerify(key);
            verifier.update(input(algorithm, data));
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;   // e.g. an RSA signature of the wrong length: the signature does not verify
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a " + algorithm.keyType() + " key the key record accepted was refused", e);
        }
    }

    static byte[] sign(DkimAlgorithm algorithm, PrivateKey key, byte[] data) {
        Signature signer = instance(algorithm);
        try {
            signer.initSign(key);
            signer.update(input(algorithm, data));
            return signer.sign();
        } catch (InvalidKeyException | SignatureException e) {
            throw new IllegalStateException("signing with a checked " + algorithm.keyType() + " key failed", e);
        }
    }

    private static byte[] input(DkimAlgorithm algorithm, byte[] data) {
        return switch (algorithm) {
            case RSA_SHA256 -> data;   // SHA256withRSA hashes it itself
            case ED25519_SHA256 -> sha256(data);
        };
    }

    private static Signature instance(DkimAlgorithm algorithm) {
        String name = switch (algorithm) {
            case RSA_SHA256 -> "SHA256withRSA";
            case ED25519_SHA256 -> "Ed25519";
        };
        try {
            return Signature.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + name + " (Java 15+ has Ed25519)", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
