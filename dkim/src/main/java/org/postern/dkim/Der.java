package org.postern.dkim;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The few DER (ITU-T X.690) structures DKIM keys need, built and read by hand: the JDK's key factories take
 * SubjectPublicKeyInfo (RFC 5280 §4.1) and PKCS#8 PrivateKeyInfo (RFC 5208 §5), while DKIM and key files also carry
 * a bare PKCS#1 RSAPublicKey or RSAPrivateKey (RFC 8017 Appendix A.1) and a raw Ed25519 key (RFC 8463 §4.2, dkimpy's
 * seed file). Wrapping those is all this does; reading stops at the outer algorithm identifier.
 */
final class Der {
    private Der() {}

    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int SEQUENCE = 0x30;
    private static final byte[] RSA_OID = hex("2a864886f70d010101");
    private static final byte[] ED25519_OID = hex("2b6570");

    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } (RFC 8017 Appendix A.1). */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** AlgorithmIdentifier { id-Ed25519 (1.3.101.112) }, parameters absent (RFC 8410 §3). */
    private static final byte[] ED25519_ALGORITHM = hex("300506032b6570");
    private static final byte[] VERSION_0 = hex("020100");

    /** The key algorithm a PKCS#8 PrivateKeyInfo or a SubjectPublicKeyInfo names. */
    enum KeyAlgorithm { RSA, ED25519, OTHER }

    /** SubjectPublicKeyInfo around a PKCS#1 RSAPublicKey. */
    static byte[] rsaPublicKeyInfo(byte[] pkcs1) {
        return sequence(RSA_ALGORITHM, bitString(pkcs1));
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey ("BEGIN RSA PRIVATE KEY"). */
    static byte[] rsaPrivateKeyInfo(byte[] pkcs1) {
        return sequence(VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, pkcs1));
    }

    /** SubjectPublicKeyInfo around a raw 32-octet Ed25519 public key (RFC 8410 §4). */
    static byte[] ed25519PublicKeyInfo(byte[] raw) {
        return sequence(ED25519_ALGORITHM, bitString(raw));
    }

    /** PKCS#8 PrivateKeyInfo around a 32-octet Ed25519 seed, itself an OCTET STRING (CurvePrivateKey, RFC 8410 §7). */
    static byte[] ed25519PrivateKeyInfo(byte[] seed) {
        return sequence(VERSION_0, ED25519_ALGORITHM, tlv(OCTET_STRING, tlv(OCTET_STRING, seed)));
    }

    /** The raw 32-octet key at the end of an Ed25519 SubjectPublicKeyInfo (44 octets, RFC 8410 §4). */
    static Optional<byte[]> ed25519RawPublicKey(byte[] publicKeyInfo) {
        if (publicKeyInfo.length != 44 || !startsWith(publicKeyInfo, sequenceHeader(42))) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(publicKeyInfo, 12, 44));
    }

    /** The algorithm of a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, AlgorithmIdentifier, ... }. */
    static KeyAlgorithm privateKeyAlgorithm(byte[] der) {
        Reader r = new Reader(der);
        if (!r.enter(SEQUENCE) || !r.skip(INTEGER)) {
            return KeyAlgorithm.OTHER;
        }
        return r.algorithm();
    }

    /** The algorithm of a SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
    static KeyAlgorithm publicKeyAlgorithm(byte[] der) {
        Reader r = new Reader(der);
        if (!r.enter(SEQUENCE)) {
            return KeyAlgorithm.OTHER;
        }
        return r.algorithm();
    }

    private static byte[] bitString(byte[] content) {
        byte[] withUnusedBits = new byte[content.length + 1];   // leading octet: 0 unused bits
        System.arraycopy(content, 0, withUnusedBits, 1, content.length);
        return tlv(BIT_STRING, withUnusedBits);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(SEQUENCE, content.toByteArray());
    }

    private static byte[] sequenceHeader(int length) {
        return new byte[] {SEQUENCE, (byte) length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /** Walks definite-length DER, checking every length against what is left. */
    private static final class Reader {
        private final byte[] der;
        private int pos;
        private int end;

        Reader(byte[] der) {
            this.der = der;
            this.end = der.length;
        }

        /** Reads a tag and length; returns the content length, or -1 when malformed or the tag differs. */
        private int header(int tag) {
            if (pos + 2 > end || (der[pos] & 0xff) != tag) {
                return -1;
            }
            pos++;
            int first = der[pos++] & 0xff;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7f;
                if (octets == 0 || octets > 3 || pos + octets > end) {
                    return -1;
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (der[pos++] & 0xff);
                }
            }
            return length <= end - pos ? length : -1;
        }

        boolean enter(int tag) {
            int length = header(tag);
            if (length < 0) {
                return false;
            }
            end = pos + length;
            return true;
        }

        boolean skip(int tag) {
            int length = header(tag);
            if (length < 0) {
                return false;
            }
            pos += length;
            return true;
        }

        /** Reads an AlgorithmIdentifier and names its OID; parameters are not looked at. */
        KeyAlgorithm algorithm() {
            if (!enter(SEQUENCE)) {
                return KeyAlgorithm.OTHER;
            }
            int length = header(OBJECT_IDENTIFIER);
            if (length < 0) {
                return KeyAlgorithm.OTHER;
            }
            byte[] oid = Arrays.copyOfRange(der, pos, pos + length);
            if (Arrays.equals(oid, RSA_OID)) {
                return KeyAlgorithm.RSA;
            }
            return Arrays.equals(oid, ED25519_OID) ? KeyAlgorithm.ED25519 : KeyAlgorithm.OTHER;
        }
    }
}
