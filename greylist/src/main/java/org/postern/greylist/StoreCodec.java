package org.postern.greylist;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;

/**
 * The binary forms of {@link GreylistKey} and {@link GreylistEntry} in {@link LmdbGreylistStore}.
 *
 * <p>Key: a kind byte ({@code 'T'} triplet, {@code 'C'} client), a group byte ({@code 'N'} network, {@code 'D'}
 * reverse domain), then the UTF-8 fields separated by NUL: {@code T N 192.0.2.0/24 \0 a@example.org \0 b@example.net}.
 * Keys stay readable in {@code mdb_dump}. A key longer than the store's limit (LMDB's default is 511 bytes, and two
 * 254-octet addresses exceed it) is kept as the kind byte, the group byte, {@code 0xFF} (never in UTF-8) and the
 * SHA-256 of its full form, so no address is too long to greylist.
 *
 * <p>Entry: a tag byte, the expiry as big-endian epoch milliseconds at offset 1 for every tag (so a purge can
 * expire entries whose tag it does not know, written by a newer version), then the tag's fields:
 * <pre>
 *   1 Pending      expiresAt firstSeen      17 bytes
 *   2 Passed       expiresAt                 9 bytes
 *   3 Counting     expiresAt passedTriplets 13 bytes (int)
 *   4 Allowlisted  expiresAt                 9 bytes
 * </pre>
 */
final class StoreCodec {

    private static final byte HASHED = (byte) 0xFF;
    private static final byte PENDING = 1;
    private static final byte PASSED = 2;
    private static final byte COUNTING = 3;
    private static final byte ALLOWLISTED = 4;

    private StoreCodec() {
    }

    /** The key's bytes, hashed if longer than {@code maxKeyBytes}. */
    static byte[] encodeKey(GreylistKey key, int maxKeyBytes) {
        StringBuilder text = new StringBuilder(64);
        boolean triplet = key instanceof GreylistKey.Triplet;
        text.append(triplet ? 'T' : 'C');
        text.append(key.client().kind() == ClientGroup.Kind.NETWORK ? 'N' : 'D');
        text.append(key.client().name());
        if (triplet) {
            GreylistKey.Triplet t = (GreylistKey.Triplet) key;
            text.append('\0').append(t.sender()).append('\0').append(t.recipient());
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxKeyBytes) {
            return bytes;
        }
        byte[] hashed = new byte[3 + 32];
        hashed[0] = bytes[0];
        hashed[1] = bytes[1];
        hashed[2] = HASHED;
        System.arraycopy(sha256(bytes), 0, hashed, 3, 32);
        return hashed;
    }

    static byte[] encodeEntry(GreylistEntry entry) {
        if (entry instanceof GreylistEntry.Pending) {
            return ByteBuffer.allocate(17).put(PENDING).putLong(entry.expiresAt().toEpochMilli())
                    .putLong(((GreylistEntry.Pending) entry).firstSeen().toEpochMilli()).array();
        }
        if (entry instanceof GreylistEntry.Passed) {
            return ByteBuffer.allocate(9).put(PASSED).putLong(entry.expiresAt().toEpochMilli()).array();
        }
        if (entry instanceof GreylistEntry.Counting) {
            return ByteBuffer.allocate(13).put(COUNTING).putLong(entry.expiresAt().toEpochMilli())
                    .putInt(((GreylistEntry.Counting) entry).passedTriplets()).array();
        }
        if (entry instanceof GreylistEntry.Allowlisted) {
            return ByteBuffer.allocate(9).put(ALLOWLISTED).putLong(entry.expiresAt().toEpochMilli()).array();
        }
        throw new IllegalStateException("no encoding for " + entry.getClass());
    }

    /**
     * The entry of {@code bytes}; empty for a tag this version does not know or a length that does not fit the tag
     * (written by another version: the caller treats it as absent and overwrites it).
     */
    static Optional<GreylistEntry> decodeEntry(byte[] bytes) {
        if (bytes.length < 9) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte tag = in.get();
        Instant expiresAt = Instant.ofEpochMilli(in.getLong());
        switch (tag) {
            case PENDING:
                return bytes.length == 17
                        ? Optional.of(new GreylistEntry.Pending(Instant.ofEpochMilli(in.getLong()), expiresAt))
                        : Optional.empty();
            case PASSED:
                return bytes.length == 9 ? Optional.of(new GreylistEntry.Passed(expiresAt)) : Optional.empty();
            case COUNTING:
                if (bytes.length != 13) {
                    return Optional.empty();
                }
                int count = in.getInt();
                return count > 0 ? Optional.of(new GreylistEntry.Counting(count, expiresAt)) : Optional.empty();
            case ALLOWLISTED:
                return bytes.length == 9 ? Optional.of(new GreylistEntry.Allowlisted(expiresAt)) : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    /**
     * The expiry of an encoded entry, whatever its tag; empty if too short to have one. A purge deletes an entry
     * when this is not after {@code now}.
     */
    static Optional<Instant> expiresAt(byte[] bytes) {
        return bytes.length < 9 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ByteBuffer.wrap(bytes, 1, 8)
                .getLong()));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
