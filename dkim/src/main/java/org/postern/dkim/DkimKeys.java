package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * DKIM key files and DNS records: load a private key (refusing one that group or others can read), generate one,
 * write it, and write the TXT record that publishes its public half.
 *
 * <p>Formats read, recognised by content, not by file name:
 * <ul>
 *   <li>PKCS#8 PEM, {@code -----BEGIN PRIVATE KEY-----}, RSA or Ed25519: what {@code openssl genpkey} writes and
 *       what {@link #write} writes;
 *   <li>PKCS#1 PEM, {@code -----BEGIN RSA PRIVATE KEY-----}: what older opendkim-genkey and {@code openssl genrsa}
 *       wrote;
 *   <li>a raw 32-octet Ed25519 seed in base64 on one line: dkimpy's format (RFC 8463 A.1 prints keys that way).
 * </ul>
 * Encrypted keys are refused: the daemon has no one to ask for a passphrase.
 *
 * <p>Ed25519 and the JDK: Java 17 signs and verifies Ed25519 but cannot compute the public key of a loaded private
 * key. Its key pair generator, though, derives the pair from 32 random octets, so a generator fed the seed instead
 * of randomness yields exactly that key's pair; {@code ed25519Pair} checks that the private half it got back is the
 * seed it gave, so a JDK that drew its randomness differently would fail loudly instead of publishing a wrong key.
 *
 * <p>All methods are static and thread-safe; {@code load} and {@code write} do file I/O, so they belong at startup or
 * in the CLI, never on an event loop.
 */
public final class DkimKeys {
    private DkimKeys() {}

    /** Key files are a few KB; anything much bigger is not a key. */
    private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    /** RFC 1035 §3.3.14: a character-string holds at most 255 octets. */
    private static final int MAX_CHARACTER_STRING = 255;

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_READ =
            Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /**
     * Reads a private key file.
     *
     * @throws DkimKeyException if the file cannot be read, is readable or writable by group or others (on a POSIX
     *     file system: "DKIM private key FILE has mode 0644: group or others can read it. Run: chmod 600 FILE"), or
     *     holds no key in a format above
     */
    public static DkimSigningKey load(Path file) throws DkimKeyException {
        requireNonNull(file, "file");
        checkPermissions(file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new DkimKeyException("cannot read DKIM private key " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_KEY_FILE_BYTES) {
            throw new DkimKeyException("DKIM private key " + file + " is larger than " + MAX_KEY_FILE_BYTES
                    + " bytes; that is no key file");
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII), file.toString());
    }

    /**
     * Parses a private key from text in one of the formats above.
     *
     * @param source names the text in messages (a file name, "stdin")
     * @throws DkimKeyException if the text holds no usable key
     */
    public static DkimSigningKey parse(String text, String source) throws DkimKeyException {
        requireNonNull(text, "text");
        requireNonNull(source, "source");
        String trimmed = text.strip();
        if (trimmed.startsWith("-----BEGIN ")) {
            return parsePem(trimmed, source);
        }
        Optional<byte[]> seed = Base64Text.decode(trimmed);
        if (seed.isPresent() && seed.get().length == 32) {
            return ed25519FromSeed(seed.get(), source);
        }
        throw new DkimKeyException(source + " is not a private key: expected PEM (BEGIN PRIVATE KEY or BEGIN RSA "
                + "PRIVATE KEY) or a base64 Ed25519 seed of 32 octets");
    }

    /**
     * A new RSA key.
     *
     * @param bits at least 1024 (RFC 8301 §3.2; 2048 is what it recommends) and at most 8192
     * @throws IllegalArgumentException for other sizes
     */
    public static DkimSigningKey generateRsa(int bits) {
        if (bits < DkimVerifierSettings.RFC8301_MIN_RSA_BITS || bits > 8192) {
            throw new IllegalArgumentException("RSA key size must be between 1024 and 8192 bits (RFC 8301 §3.2 "
                    + "recommends 2048), not " + bits);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            KeyPair pair = generator.generateKeyPair();
            return new DkimSigningKey(DkimAlgorithm.RSA_SHA256, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate RSA keys", e);
        }
    }

    /** A new Ed25519 key (RFC 8463). */
    public static DkimSigningKey generateEd25519() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        try {
            return ed25519FromSeed(seed, "a new key");
        } catch (DkimKeyException e) {
            throw new IllegalStateException("a freshly drawn Ed25519 seed was refused", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), lines of 64 chars, final newline. */
    public static String pem(DkimSigningKey key) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.privateKey().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * Writes the key as PKCS#8 PEM to a new file created with mode 0600 (on POSIX file systems), so it is never
     * readable by others, not even for a moment.
     *
     * @throws DkimKeyException if the file exists (keys are never overwritten) or cannot be written
     */
    public static void write(DkimSigningKey key, Path file) throws DkimKeyException {
        requireNonNull(key, "key");
        requireNonNull(file, "file");
        try {
            if (Files.getFileAttributeView(file.toAbsolutePath().getParent(), PosixFileAttributeView.class) != null) {
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(pem(key).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (FileAlreadyExistsException e) {
            throw new DkimKeyException("DKIM private key " + file + " already exists; keys are never overwritten", e);
        } catch (IOException e) {
            throw new DkimKeyException("cannot write DKIM private key " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key record to publish at {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.1, RFC 8463 §4):
     * {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo, base64>} or {@code v=DKIM1; k=ed25519; p=<32 raw octets,
     * base64>}.
     *
     * @throws IllegalArgumentException for a key that is neither RSA nor Ed25519
     */
    public static String dnsRecord(PublicKey key) {
        requireNonNull(key, "key");
        if (key instanceof RSAPublicKey) {
            return "v=DKIM1; k=rsa; p=" + Base64Text.encode(key.getEncoded());
        }
        // RFC 8463 §4.2: for k=ed25519, p= is the raw 32-octet public key in base64, no ASN.1 around it.
        Optional<byte[]> raw = Der.ed25519RawPublicKey(key.getEncoded());
        if (raw.isPresent()) {
            return "v=DKIM1; k=ed25519; p=" + Base64Text.encode(raw.get());
        }
        throw new IllegalArgumentException("not an RSA or Ed25519 public key: " + key.getAlgorithm());
    }

    /**
     * {@code record} cut into character-strings of at most 255 octets (RFC 1035 §3.3.14), which a verifier joins
     * again (RFC 6376 §3.6.2.2): an RSA-2048 record is about 410 octets, too long for one.
     *
     * @throws IllegalArgumentException if the record is not ASCII
     */
    public static List<String> dnsStrings(String record) {
        requireNonNull(record, "record");
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(record)) {
            throw new IllegalArgumentException("a DKIM key record is ASCII");
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += MAX_CHARACTER_STRING) {
            strings.add(record.substring(i, Math.min(record.length(), i + MAX_CHARACTER_STRING)));
        }
        return strings.isEmpty() ? List.of("") : List.copyOf(strings);
    }

    /**
     * The record as a zone-file line to paste, in the shape opendkim-genkey writes:
     * {@code sel._domainkey IN TXT ( "v=DKIM1; k=rsa; p=MIIB..." "...rest" ) ; DKIM key sel for example.org}.
     */
    public static String zoneFileEntry(String selector, String domain, PublicKey key) {
        if (!DomainNames.isSelector(selector) || !DomainNames.isDomain(domain)) {
            throw new IllegalArgumentException("not a selector and domain: " + selector + ", " + domain);
        }
        StringBuilder out = new StringBuilder(selector).append("._domainkey\tIN\tTXT\t( ");
        List<String> strings = dnsStrings(dnsRecord(key));
        for (int i = 0; i < strings.size(); i++) {
            out.append(i == 0 ? "" : "\n\t\t\t\t  ").append('"').append(strings.get(i)).append('"');
        }
        return out.append(" )\t; DKIM key ").append(selector).append(" for ").append(domain).append('\n').toString();
    }

    /**
     * Whether a published key record carries {@code key}: for {@code postern dkim check-dns}.
     *
     * @param record the TXT record's character-strings joined
     * @return false also when the record does not parse or is revoked
     */
    public static boolean recordMatches(String record, PublicKey key) {
        requireNonNull(record, "record");
        requireNonNull(key, "key");
        return KeyRecord.parse(record) instanceof Parsed.Ok<KeyRecord> ok && ok.value().key().isPresent()
                && MessageDigest.isEqual(ok.value().key().get().getEncoded(), key.getEncoded());
    }

    // --- reading ---

    private static void checkPermissions(Path file) throws DkimKeyException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;   // not a POSIX file system: nothing to check against
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new DkimKeyException("cannot read DKIM private key " + file + ": " + e, e);
        }
        boolean readable = permissions.stream().anyMatch(GROUP_OR_OTHERS_READ::contains);
        boolean writable = permissions.stream().anyMatch(GROUP_OR_OTHERS_WRITE::contains);
        if (readable || writable) {
            String access = readable && writable ? "read and write" : readable ? "read" : "write";
            throw new DkimKeyException("DKIM private key " + file + " has mode " + octal(permissions)
                    + ": group or others can " + access + " it. Run: chmod 600 " + file);
        }
    }

    private static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());   // OWNER_READ is ordinal 0 = 0400, OTHERS_EXECUTE is 8 = 0001
        }
        return String.format("0%03o", mode);
    }

    private static DkimSigningKey parsePem(String pem, String source) throws DkimKeyException {
        int headerEnd = pem.indexOf("-----", "-----BEGIN ".length());
        if (headerEnd < 0) {
            throw new DkimKeyException(source + " has a broken PEM header");
        }
        String label = pem.substring("-----BEGIN ".length(), headerEnd);
        String footer = "-----END " + label + "-----";
        int end = pem.indexOf(footer);
        if (end < 0) {
            throw new DkimKeyException(source + " has no \"" + footer + "\" line");
        }
        String body = pem.substring(headerEnd + 5, end);
        if (body.contains(":")) {
            throw new DkimKeyException(source + " is an encrypted key (it has PEM headers); decrypt it first: "
                    + "openssl pkey -in " + source + " -out NEWFILE");
        }
        Optional<byte[]> der = Base64Text.decode(Ascii.removeFws(body));
        if (der.isEmpty()) {
            throw new DkimKeyException(source + " is not valid PEM: the text between the BEGIN and END lines is not "
                    + "base64");
        }
        return switch (label) {
            case "PRIVATE KEY" -> fromPkcs8(der.get(), source);
            case "RSA PRIVATE KEY" -> fromPkcs8(Der.rsaPrivateKeyInfo(der.get()), source);
            case "ENCRYPTED PRIVATE KEY" -> throw new DkimKeyException(source + " is an encrypted key; decrypt it "
                    + "first: openssl pkey -in " + source + " -out NEWFILE");
            default -> throw new DkimKeyException(source + " holds a \"" + label + "\", not a private key");
        };
    }

    private static DkimSigningKey fromPkcs8(byte[] der, String source) throws DkimKeyException {
        Der.KeyAlgorithm algorithm = Der.privateKeyAlgorithm(der);
        try {
            switch (algorithm) {
                case RSA: {
                    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
                    if (!(key instanceof RSAPrivateCrtKey crt)) {
                        throw new DkimKeyException(source + " is an RSA key without its public exponent; "
                                + "regenerate it with postern dkim keygen");
                    }
                    PublicKey pub = KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                    return new DkimSigningKey(DkimAlgorithm.RSA_SHA256, key, pub);
                }
                case ED25519: {
                    PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
                    Optional<byte[]> seed = ((EdECPrivateKey) key).getBytes();
                    if (seed.isEmpty()) {
                        throw new IllegalStateException("the JDK hid the Ed25519 private key octets");
                    }
                    return ed25519FromSeed(seed.get(), source);
                }
                default:
                    throw new DkimKeyException(source + " is not an RSA or Ed25519 key");
            }
        } catch (InvalidKeySpecException e) {
            throw new DkimKeyException(source + " is not a valid " + algorithm.name() + " private key: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks RSA or Ed25519", e);
        }
    }

    /** The key pair of an Ed25519 seed (RFC 8032 §5.1.5), through the JDK's generator; see the class comment. */
    private static DkimSigningKey ed25519FromSeed(byte[] seed, String source) throws DkimKeyException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make Ed25519 keys (Java 15+ can)", e);
        }
        Optional<byte[]> got = ((EdECPrivateKey) pair.getPrivate()).getBytes();
        if (got.isEmpty() || !MessageDigest.isEqual(got.get(), seed)) {
            throw new IllegalStateException("this JDK does not derive Ed25519 keys from 32 random octets; "
                    + "cannot compute the public key of " + source);
        }
        return new DkimSigningKey(DkimAlgorithm.ED25519_SHA256, pair.getPrivate(), pair.getPublic());
    }

    /** "Randomness" that is the given seed: hands it out once, then refuses, so a second draw cannot go unnoticed. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private transient byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("unexpected draw of " + bytes.length + " octets for an Ed25519 key");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
            seed = null;
        }
    }
}
