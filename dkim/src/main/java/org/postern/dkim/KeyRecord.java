package org.postern.dkim;

import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A DKIM key record, the TXT record at {@code <s>._domainkey.<d>} (RFC 6376 §3.6.1, RFC 8463 §4), parsed.
 *
 * @param keyType  {@code k=}: "rsa" (the default) or "ed25519", lower case
 * @param key      the public key, or empty when {@code p=} is empty: the key was revoked (RFC 6376 §3.6.1 p=)
 * @param hashes   {@code h=}: the acceptable hash algorithms, lower case; empty means all (the default)
 * @param testing  {@code t=y}: the domain is testing DKIM
 * @param strict   {@code t=s}: the i= domain must be d= itself, not a subdomain
 */
record KeyRecord(String keyType, Optional<PublicKey> key, List<String> hashes, boolean testing, boolean strict) {

    KeyRecord {
        hashes = List.copyOf(hashes);
    }

    /** Parses the record text (its character-strings already joined, RFC 6376 §3.6.2.2). */
    static Parsed<KeyRecord> parse(String text) {
        Parsed<TagList> parsed = TagList.parse(text);
        if (parsed instanceof Parsed.Invalid<TagList> invalid) {
            return Parsed.invalid("key record: " + invalid.reason());
        }
        TagList tags = ((Parsed.Ok<TagList>) parsed).value();
        // RFC 6376 §3.6.1 v=: "If specified, this tag MUST be set to "DKIM1" ... This tag MUST be the first tag in the
        // record. Records beginning with a "v=" tag with any other value MUST be discarded."
        Optional<String> version = tags.get("v");
        if (version.isPresent()) {
            if (!version.get().equals("DKIM1")) {
                return Parsed.invalid("key record has v=" + version.get() + ", not DKIM1");
            }
            if (!tags.tags().keySet().iterator().next().equals("v")) {
                return Parsed.invalid("key record has v= but not as its first tag");
            }
        }
        // RFC 6376 §3.6.1 s=: the service types; "*" (the default) or "email" is needed for mail.
        List<String> services = colonList(tags.get("s").orElse("*"));
        if (!services.contains("*") && !services.contains("email")) {
            return Parsed.invalid("key record is not for email (s=" + tags.get("s").orElse("") + ")");
        }
        // RFC 6376 §3.6.1 t=: unknown flags "MUST be ignored".
        List<String> flags = colonList(tags.get("t").orElse(""));
        List<String> hashes = tags.get("h").map(KeyRecord::colonList).orElse(List.of());
        String keyType = Ascii.lower(tags.get("k").orElse("rsa"));
        Optional<String> p = tags.get("p");
        if (p.isEmpty()) {
            return Parsed.invalid("key record has no p=");   // RFC 6376 §3.6.1: p= is REQUIRED
        }
        String base64 = Ascii.removeFws(p.get());
        if (base64.isEmpty()) {
            return Parsed.ok(new KeyRecord(keyType, Optional.empty(), hashes, flags.contains("y"),
                    flags.contains("s")));
        }
        Optional<byte[]> der = Base64Text.decode(base64);
        if (der.isEmpty()) {
            return Parsed.invalid("key record p= is not base64");
        }
        Optional<PublicKey> key = switch (keyType) {
            case "rsa" -> rsa(der.get());
            case "ed25519" -> ed25519(der.get());
            // RFC 6376 §6.1.2 step 6: an unknown k= is a PERMFAIL (inappropriate key algorithm).
            default -> Optional.empty();
        };
        if (key.isEmpty()) {
            return Parsed.invalid(keyType.equals("rsa") || keyType.equals("ed25519")
                    ? "key record p= is not a valid " + keyType + " public key"
                    : "key record has unknown key type k=" + keyType);
        }
        return Parsed.ok(new KeyRecord(keyType, key, hashes, flags.contains("y"), flags.contains("s")));
    }

    /** The RSA modulus length in bits, or 0 for other keys. */
    int rsaBits() {
        return key.filter(RSAPublicKey.class::isInstance)
                .map(k -> ((RSAPublicKey) k).getModulus().bitLength())
                .orElse(0);
    }

    /**
     * RFC 6376 §3.6.1 k=rsa: p= is a SubjectPublicKeyInfo in practice (what every signer publishes); a bare PKCS#1
     * RSAPublicKey, which some older tools wrote, is accepted too.
     */
    private static Optional<PublicKey> rsa(byte[] der) {
        byte[] info = Der.publicKeyAlgorithm(der) == Der.KeyAlgorithm.RSA ? der : Der.rsaPublicKeyInfo(der);
        return generate("RSA", info);
    }

    /** RFC 8463 §4.2: p= is the raw 32-octet Ed25519 public key, not a SubjectPublicKeyInfo. */
    private static Optional<PublicKey> ed25519(byte[] raw) {
        if (raw.length != 32) {
            return Optional.empty();
        }
        return generate("Ed25519", Der.ed25519PublicKeyInfo(raw));
    }

    private static Optional<PublicKey> generate(String algorithm, byte[] publicKeyInfo) {
        try {
            return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(publicKeyInfo)));
        } catch (InvalidKeySpecException e) {
            return Optional.empty();   // the publisher's key does not decode: a value, reported as a key syntax error
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm + " (Java 15+ has Ed25519)", e);
        }
    }

    private static List<String> colonList(String value) {
        return Arrays.stream(value.split(":", -1))
                .map(Ascii::trimFws)
                .map(Ascii::lower)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
