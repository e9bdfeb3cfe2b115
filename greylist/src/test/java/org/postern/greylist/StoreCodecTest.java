package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class StoreCodecTest {

    private static final Instant T = Instant.parse("2025-06-01T12:00:00.123Z");
    private static final ClientGroup NET = new ClientGroup(ClientGroup.Kind.NETWORK, "192.0.2.0/24");

    @Test
    void everyEntryKindRoundTrips() {
        for (GreylistEntry entry : List.of(new GreylistEntry.Pending(T, T.plusSeconds(60)),
                new GreylistEntry.Passed(T), new GreylistEntry.Counting(3, T), new GreylistEntry.Allowlisted(T))) {
            byte[] bytes = StoreCodec.encodeEntry(entry);
            assertThat(StoreCodec.decodeEntry(bytes)).contains(entry);
            assertThat(StoreCodec.expiresAt(bytes)).contains(entry.expiresAt());
        }
    }

    @Test
    void entriesAreSmallFixedSizes() {
        assertThat(StoreCodec.encodeEntry(new GreylistEntry.Pending(T, T))).hasSize(17);
        assertThat(StoreCodec.encodeEntry(new GreylistEntry.Passed(T))).hasSize(9);
        assertThat(StoreCodec.encodeEntry(new GreylistEntry.Counting(1, T))).hasSize(13);
        assertThat(StoreCodec.encodeEntry(new GreylistEntry.Allowlisted(T))).hasSize(9);
    }

    @Test
    void unknownTagOrWrongLengthDecodesAsAbsentButKeepsItsExpiry() {
        byte[] future = StoreCodec.encodeEntry(new GreylistEntry.Passed(T));
        future[0] = 99;
        assertThat(StoreCodec.decodeEntry(future)).isEmpty();
        assertThat(StoreCodec.expiresAt(future)).contains(T);
        byte[] truncated = new byte[] {2, 0, 0};
        assertThat(StoreCodec.decodeEntry(truncated)).isEmpty();
        assertThat(StoreCodec.expiresAt(truncated)).isEmpty();
        byte[] pendingTooShort = StoreCodec.encodeEntry(new GreylistEntry.Passed(T));
        pendingTooShort[0] = 1;
        assertThat(StoreCodec.decodeEntry(pendingTooShort)).isEmpty();
    }

    @Test
    void keysAreReadableText() {
        byte[] key = StoreCodec.encodeKey(new GreylistKey.Triplet(NET, "a@example.org", "b@example.net"), 511);
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("TN192.0.2.0/24\0a@example.org\0b@example.net");
        byte[] client = StoreCodec.encodeKey(
                new GreylistKey.Client(new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, "example.com")), 511);
        assertThat(new String(client, StandardCharsets.UTF_8)).isEqualTo("CDexample.com");
    }

    @Test
    void keysOverTheLimitAreHashedAndStayDistinct() {
        String longLocal = "x".repeat(600);
        byte[] a = StoreCodec.encodeKey(new GreylistKey.Triplet(NET, longLocal + "@a.example", "r@example.net"), 511);
        byte[] b = StoreCodec.encodeKey(new GreylistKey.Triplet(NET, longLocal + "@b.example", "r@example.net"), 511);
        assertThat(a).hasSize(35).startsWith((byte) 'T', (byte) 'N', (byte) 0xFF);
        assertThat(b).hasSize(35).isNotEqualTo(a);
    }
}
