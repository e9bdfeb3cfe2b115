package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void wireTextJoinsLinesWithCrlfAndContinuationDashes() {
        var reply = new SmtpReply(550, Optional.of("5.7.1"), List.of("first", "second", "third"));
        assertThat(reply.wireText()).isEqualTo("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third");
        assertThat(SmtpReply.of(451, "4.7.1", "later").wireText()).isEqualTo("451 4.7.1 later");
    }

    @Test
    void percentIsDoubledBecausePostfixDropsALoneOne() {
        assertThat(SmtpReply.of(550, "5.7.1", "100% spam").wireText()).isEqualTo("550 5.7.1 100%% spam");
    }

    @Test
    void parseReadsCodeEnhancedStatusAndLines() {
        assertThat(SmtpReply.parse("550 5.7.1 Go away")).isEqualTo(SmtpReply.of(550, "5.7.1", "Go away"));
        assertThat(SmtpReply.parse("451 Later please"))
                .isEqualTo(new SmtpReply(451, Optional.empty(), List.of("Later please")));
        assertThat(SmtpReply.parse("550 5.7.1 one\ntwo").lines()).containsExactly("one", "two");
    }

    @Test
    void refusesWhatPostfixWouldCallMalformed() {
        assertThatThrownBy(() -> SmtpReply.of(250, "2.0.0", "ok")).hasMessageContaining("4xx or 5xx");
        assertThatThrownBy(() -> SmtpReply.of(550, "4.7.1", "x")).hasMessageContaining("does not match");
        assertThatThrownBy(() -> SmtpReply.of(550, "5.7", "x")).hasMessageContaining("enhanced status");
        assertThatThrownBy(() -> SmtpReply.of(550, "5.7.1", "caf\u00e9")).hasMessageContaining("U+00E9");
        assertThatThrownBy(() -> SmtpReply.of(550, "5.7.1", "a\r\nb")).hasMessageContaining("U+000D");
        assertThatThrownBy(() -> new SmtpReply(550, Optional.empty(), List.of())).hasMessageContaining("one line");
        assertThatThrownBy(() -> SmtpReply.parse("go away")).hasMessageContaining("three-digit code");
    }

    @Test
    void textWithoutEnhancedStatusMustNotStartWithADigit() {
        // POSTFIX milter8_valid_smtp_reply(): "550 10 points" reads as a bad enhanced status code.
        assertThatThrownBy(() -> SmtpReply.parse("550 10 points")).hasMessageContaining("must not start with a digit");
        assertThat(SmtpReply.parse("550 5.7.1 10 points").lines()).containsExactly("10 points");
    }

    @Test
    void temporaryMeansFourHundreds() {
        assertThat(SmtpReply.of(451, "4.7.1", "x").isTemporary()).isTrue();
        assertThat(SmtpReply.of(554, "5.7.1", "x").isTemporary()).isFalse();
    }
}
