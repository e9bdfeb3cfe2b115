package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The seal on Postern's symbols header, so that {@code postern check} carries over only scores Postern wrote.
 *
 * <p>Why: the milter pass removes forged incoming copies of the header, but mail can reach a mailbox without it —
 * while the daemon is down with {@code milter_default_action = accept}, or with
 * {@code headers.remove_foreign_spam_headers} off — and a sender could then write {@code score=-100} for it. The milter
 * appends {@code mac=M} to the header it writes: M is HMAC-SHA256 (RFC 2104) under a key kept in
 * {@code state_dir/symbols.key}, truncated to 128 bits (RFC 2104 §5), over the header's value, the message's
 * Message-ID, Date and From fields, each with its whitespace runs made single spaces (so refolding does not break
 * it), and the digest of its body ({@link BodyDigest}, which undoes line-end and mbox changes). Postfix's cleanup
 * adds missing fields and rewrites addresses before the milter sees the message, so what is sealed is what is
 * delivered; a later step that changes those fields or the body (a content filter's second cleanup pass,
 * another MTA, a milter after Postern) makes the seal fail, and nothing is carried over. The fields bind the seal to
 * its message: a genuine header copied onto a message with another Message-ID, Date, From or body does not verify.
 * A header without a valid seal is not carried over.
 *
 * <p>The key is 32 random bytes written as hex, created by the daemon on its first start (mode 0600); a host where
 * only {@code postern check} runs needs a copy of it. Thread-safe.
 */
public final class SymbolsSeal {

    /** The key's file in the state directory. */
    public static final String KEY_FILE = "symbols.key";
    /** The header word that carries the seal. */
    static final String WORD = "mac=";

    private static final int KEY_BYTES = 32;
    private static final int MAC_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final List<String> BOUND_FIELDS = List.of("Message-ID", "Date", "From");

    /** No key: seals nothing and verifies nothing (the milter writes unsealed headers, check trusts none). */
    public static final SymbolsSeal NONE = new SymbolsSeal(null);

    private final SecretKeySpec key;

    private SymbolsSeal(SecretKeySpec key) {
        this.key = key;
    }

    /** A seal with the given key bytes (for tests and tools). */
    static SymbolsSeal of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a symbols key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new SymbolsSeal(new SecretKeySpec(key.clone(), ALGORITHM));
    }

    /**
     * The daemon's seal: the key in {@code stateDir/symbols.key}, created (mode 0600) when there is none.
     *
     * @throws UncheckedIOException if the key cannot be read or written, or the file does not hold a key
     */
    public static SymbolsSeal openOrCreate(Path stateDir) {
        Path file = stateDir.resolve(KEY_FILE);
        if (Files.notExists(file)) {
            try {
                Files.createDirectories(stateDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the state directory " + stateDir + ": " + reason(e), e);
            }
            create(file);
        }
        return read(file);
    }

    /**
     * The seal of {@code postern check}: the key in {@code stateDir/symbols.key}, or {@link #NONE} when there is no
     * such file (no daemon has run with this state directory).
     *
     * @throws UncheckedIOException if the file exists but cannot be read or does not hold a key
     */
    public static SymbolsSeal open(Path stateDir) {
        Path file = stateDir.resolve(KEY_FILE);
        return Files.notExists(file) ? NONE : read(file);      // a file that cannot be looked at is an error
    }

    /** Whether this seal has a key. */
    public boolean present() {
        return key != null;
    }

    /**
     * The word that seals the symbols header value {@code value} (its words, however folded) of the message with
     * these header fields, to be appended as its last word; empty without a key.
     */
    public Optional<String> word(String value, ReceivedHeaders headers, String bodyDigest) {
        return key == null ? Optional.empty() : Optional.of(WORD + mac(value, headers, bodyDigest));
    }

    /**
     * Whether the symbols header value {@code sealed} ends with a seal that this key made for this message. False
     * without a key.
     */
    boolean verifies(String sealed, ReceivedHeaders headers, String bodyDigest) {
        if (key == null) {
            return false;
        }
        String value = collapse(sealed);
        int at = value.lastIndexOf(" " + WORD);
        if (at < 0) {
            return false;
        }
        String given = value.substring(at + 1 + WORD.length());
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII),
                mac(value.substring(0, at), headers, bodyDigest).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String value, ReceivedHeaders headers, String bodyDigest) {
        StringBuilder input = new StringBuilder(collapse(value));
        for (String name : BOUND_FIELDS) {
            input.append('\n').append(headers.first(name).map(f -> collapse(f.value())).orElse(""));
        }
        input.append('\n').append(bodyDigest);
        try {
            Mac hmac = Mac.getInstance(ALGORITHM);
            hmac.init(key);
            byte[] full = hmac.doFinal(input.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Whitespace runs (folding included) as one space, none at the ends. */
    private static String collapse(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private static SymbolsSeal read(Path file) {
        try {
            String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (hex.length() != 2 * KEY_BYTES || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new UncheckedIOException(new IOException(file + " does not hold a symbols key (" + 2 * KEY_BYTES
                        + " hex digits); delete it and restart the daemon to make a new one"));
            }
            return of(HexFormat.of().parseHex(hex));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the symbols key " + file + ": " + reason(e), e);
        }
    }

    /**
     * Writes a new key into a temporary file of a random name next to {@code file}, forces it to disk, and links it
     * into place, which fails if another process was first (then theirs is used): the key is never replaced, and
     * never seen half written.
     */
    private static void create(Path file) {
        requireNonNull(file, "file");
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null
                    ? Files.createTempFile(dir, KEY_FILE + ".", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, KEY_FILE + ".", ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap((HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException another) {
                // Another process made the key first: use theirs.
            } catch (UnsupportedOperationException noHardLinks) {
                throw new IOException("the file system of " + dir + " has no hard links, which making the key"
                        + " atomically needs; make it by hand: 64 hex digits (openssl rand -hex 32), mode 0600");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the symbols key " + file + ": " + reason(e), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException leftover) {
                    // a leftover temporary file holds a key no one uses; harmless
                }
            }
        }
    }

    /** Java's messages for these name only the path. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        return e.getMessage();
    }
}
