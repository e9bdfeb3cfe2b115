package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LearnKeyTest {

    private static final String RECEIVED =
            "Message-ID: <a1@example.org>\nFrom: x@example.org\nSubject: hi\n\nbody line\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deliveredCopyWithAddedHeadersAndCrlfHasTheSameKey() {
        String delivered = "Return-Path: <x@example.org>\nDelivered-To: alice@example.test\nX-Spam-Flag: NO\n"
                + RECEIVED + "\n\n";
        assertThat(LearnKey.of(bytes(delivered.replace("\n", "\r\n")))).isEqualTo(LearnKey.of(bytes(RECEIVED)));
    }

    @Test
    void foldedAndDifferentlyCasedMessageIdIsTheSame() {
        String folded = RECEIVED.replace("Message-ID: <a1@example.org>", "Message-Id:\n <A1@example.org>");
        assertThat(LearnKey.of(bytes(folded))).isEqualTo(LearnKey.of(bytes(RECEIVED)));
    }

    @Test
    void anotherBodyOrMessageIdIsAnotherKey() {
        String key = LearnKey.of(bytes(RECEIVED));
        assertThat(LearnKey.of(bytes(RECEIVED.replace("body line", "body lime")))).isNotEqualTo(key);
        assertThat(LearnKey.of(bytes(RECEIVED.replace("a1@", "a2@")))).isNotEqualTo(key);
        assertThat(key).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void messagesWithoutHeaderOrBodyHaveKeys() {
        assertThat(LearnKey.of(new byte[0])).hasSize(43);
        assertThat(LearnKey.of(bytes("Subject: only headers\n"))).isNotEqualTo(LearnKey.of(new byte[0]));
    }
}
