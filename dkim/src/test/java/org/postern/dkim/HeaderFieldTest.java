package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderFieldTest {

    @Test void keepsOctetsAsTheyCame() {
        byte[] utf8 = " Grüße".getBytes(StandardCharsets.UTF_8);
        HeaderField f = HeaderField.ofOctets("Subject".getBytes(StandardCharsets.US_ASCII), utf8);
        assertThat(f.value().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(utf8);
    }

    @Test void refusesDecodedTextAndBrokenNames() {
        assertThatThrownBy(() -> new HeaderField("Subject", " Grüße ✓"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("octets");
        assertThatThrownBy(() -> new HeaderField("", " x")).hasMessage("header name is empty");
        assertThatThrownBy(() -> new HeaderField("a:b", " x")).hasMessageContaining("invalid character at 1");
    }

    @Test void matchesNamesIgnoringCaseAndTrailingWhitespace() {
        assertThat(new HeaderField("DKIM-Signature", " v=1").isNamed("dkim-signature")).isTrue();
        assertThat(new HeaderField("Subject \t", " x").isNamed("subject")).isTrue();
        assertThat(new HeaderField("Subjects", " x").isNamed("subject")).isFalse();
    }
}
