package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.NamedParameterSpec;

/**
 * A private key to sign with, its public half (for the DNS record and for checking a published one), and the
 * algorithm they are for. Made by {@link DkimKeys}.
 *
 * <p>{@link #toString()} names the algorithm and size only: no key material ever reaches a log line.
 *
 * @param algorithm  what the key signs with
 * @param privateKey an RSA private key for {@link DkimAlgorithm#RSA_SHA256}, an Ed25519 one for
 *                   {@link DkimAlgorithm#ED25519_SHA256}
 * @param publicKey  the matching public key
 */
public record DkimSigningKey(DkimAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {

    /**
     * Checks that the keys are of the algorithm's type (that they match each other is {@link DkimKeys}' job).
     *
     * @throws IllegalArgumentException when a key is of another type
     */
    public DkimSigningKey {
        requireNonNull(algorithm, "algorithm");
        requireNonNull(privateKey, "privateKey");
        requireNonNull(publicKey, "publicKey");
        boolean fits = switch (algorithm) {
            case RSA_SHA256 -> privateKey instanceof RSAPrivateKey && publicKey instanceof RSAPublicKey;
            case ED25519_SHA256 -> privateKey instanceof EdECPrivateKey priv && publicKey instanceof EdECPublicKey pub
                    && isEd25519(priv.getParams()) && isEd25519(pub.getParams());
        };
        if (!fits) {
            throw new IllegalArgumentException(algorithm.tagValue() + " needs " + algorithm.keyType() + " keys, not "
                    + privateKey.getAlgorithm() + "/" + publicKey.getAlgorithm());
        }
    }

    /** The key size: the RSA modulus length, or 256 for Ed25519. */
    public int bits() {
        return publicKey instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength() : 256;
    }

    @Override
    public String toString() {
        return "DkimSigningKey[" + algorithm.tagValue() + ", " + bits() + " bits]";
    }

    private static boolean isEd25519(NamedParameterSpec params) {
        return params.getName().equalsIgnoreCase("Ed25519");
    }
}
