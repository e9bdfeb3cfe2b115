package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void parsesCodeEnhancedStatusAndText() {
        assertThat(ReplyText.parse("550 5.7.1 Sender blocked"))
                .isEqualTo(new ReplyText(550, "5.7.1", "Sender blocked"));
    }

    @Test
    void parsesWithoutEnhancedStatus() {
        assertThat(ReplyText.parse("451 Try again later")).isEqualTo(new ReplyText(451, "", "Try again later"));
    }

    @Test
    void parsesMultiDigitEnhancedParts() {
        assertThat(ReplyText.parse("554 5.123.456 x")).isEqualTo(new ReplyText(554, "5.123.456", "x"));
    }

    @Test
    void toStringReadsBack() {
        for (String text : new String[] {"550 5.7.1 Sender blocked", "451 Later", "421 4.7.0 100% busy"}) {
            assertThat(ReplyText.parse(text).toString()).isEqualTo(text);
            assertThat(ReplyText.parse(ReplyText.parse(text).toString())).isEqualTo(ReplyText.parse(text));
        }
    }

    @Test
    void percentIsKeptAsWritten() {
        // The daemon doubles it for Postfix (SmtpReply.wireText); the configuration keeps what the user wrote.
        assertThat(ReplyText.parse("550 5.7.1 100% spam").text()).isEqualTo("100% spam");
    }

    @Test
    void knowsTemporaryFromPermanent() {
        assertThat(ReplyText.parse("451 4.7.1 x").isTemporary()).isTrue();
        assertThat(ReplyText.parse("550 5.7.1 x").isTemporary()).isFalse();
    }

    @Test
    void rejectsCodesOutside4xxAnd5xx() {
        assertThatThrownBy(() -> ReplyText.parse("250 2.0.0 Ok")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must have a 4xx or 5xx reply code, not 250");
        assertThatThrownBy(() -> ReplyText.parse("354 go ahead"))
                .hasMessage("value must have a 4xx or 5xx reply code, not 354");
        assertThatThrownBy(() -> new ReplyText(600, "", "x"))
                .hasMessage("value must have a 4xx or 5xx reply code, not 600");
        assertThatThrownBy(() -> new ReplyText(399, "", "x"))
                .hasMessage("value must have a 4xx or 5xx reply code, not 399");
        assertThat(new ReplyText(400, "", "x").code()).isEqualTo(400);
        assertThat(new ReplyText(599, "", "x").code()).isEqualTo(599);
    }

    @Test
    void enhancedClassMustMatchTheCode() {
        assertThatThrownBy(() -> ReplyText.parse("550 4.7.1 Blocked")).hasMessage(
                "value has enhanced status code 4.7.1, whose class does not match reply code 550; write 5.7.1");
        assertThatThrownBy(() -> ReplyText.parse("451 5.7.1 Later")).hasMessage(
                "value has enhanced status code 5.7.1, whose class does not match reply code 451; write 4.7.1");
    }

    @Test
    void enhancedClassMustBeAFailureClass() {
        assertThatThrownBy(() -> ReplyText.parse("550 3.7.1 x"))
                .hasMessage("value must have an enhanced status code like 5.7.1 (RFC 3463), not \"3.7.1\"");
        assertThatThrownBy(() -> new ReplyText(550, "5.7", "x"))
                .hasMessage("value must have an enhanced status code like 5.7.1 (RFC 3463), not \"5.7\"");
    }

    @Test
    void requiresText() {
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1"))
                .hasMessage("value must have text after the code, as in \"550 5.7.1 Message rejected\"");
        assertThatThrownBy(() -> ReplyText.parse("550 "))
                .hasMessage("value must have text after the code, as in \"550 Message rejected\"");
    }

    @Test
    void requiresAThreeDigitCodeAndASpace() {
        for (String bad : new String[] {"550", "", "5500 x", "abc text", "55 x", "Rejected"}) {
            assertThatThrownBy(() -> ReplyText.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("value must be an SMTP reply: a three-digit code");
        }
    }

    @Test
    void textMustBePrintableAscii() {
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 Spam\r\n550 more")).hasMessage("value must be printable"
                + " US-ASCII, lines separated by \\n; character U+000D at position 5 of line 1 of the text is not");
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 R\u00e9jet\u00e9")).hasMessage("value must be printable"
                + " US-ASCII, lines separated by \\n; character U+00E9 at position 2 of the text is not");
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 a\tb")).hasMessageContaining("U+0009");
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 a\u0000b")).hasMessageContaining("U+0000");
    }

    @Test
    void everyLineMustFitAReplyLine() {
        String text = "x".repeat(510 - "550 5.7.1 ".length());
        assertThat(ReplyText.parse("550 5.7.1 " + text).text()).isEqualTo(text);
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 " + text + "x"))
                .hasMessage("value must fit SMTP reply lines of 510 characters (RFC 5321); line 1 has 511");
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 short\n" + text + "x"))
                .hasMessage("value must fit SMTP reply lines of 510 characters (RFC 5321); line 2 has 511");
    }

    @Test
    void textWithoutEnhancedStatusMustNotStartWithADigit() {
        assertThatThrownBy(() -> ReplyText.parse("550 10 points of spam"))
                .hasMessageContaining("must not start its text with a digit")
                .hasMessageContaining("550 5.7.1 10 points of spam");
        assertThat(ReplyText.parse("550 5.7.1 10 points of spam").text()).isEqualTo("10 points of spam");
        assertThat(ReplyText.parse("550 Ten points").text()).isEqualTo("Ten points");
    }

    @Test
    void aNewlineStartsAnotherLineOfAMultiLineReply() {
        ReplyText r = ReplyText.parse("550 5.7.1 Blocked by local policy\nSee https://example.org/blocked");
        assertThat(r.text()).isEqualTo("Blocked by local policy\nSee https://example.org/blocked");
        assertThatThrownBy(() -> ReplyText.parse("550 5.7.1 one\n\nthree"))
                .hasMessage("value has an empty line 2; every line needs text");
    }

    @Test
    void nullsAreRejected() {
        assertThatThrownBy(() -> new ReplyText(550, null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ReplyText(550, "", null)).isInstanceOf(NullPointerException.class);
    }
}
