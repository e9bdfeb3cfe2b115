package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthservIdTest {

    @Test
    void readsATokenAfterLeadingWhitespaceAndComments() {
        assertThat(AuthservId.of(" mx.example.test; spf=pass")).contains("mx.example.test");
        assertThat(AuthservId.of("mx.example.test;none")).contains("mx.example.test");
        assertThat(AuthservId.of(" (a (nested) comment)\n\tmx.example.test 1; dkim=pass")).contains("mx.example.test");
    }

    @Test
    void readsAQuotedString() {
        assertThat(AuthservId.of(" \"mx.example.test\"; none")).contains("mx.example.test");
        assertThat(AuthservId.of(" \"mx.ex\\\"ample\"; none")).contains("mx.ex\"ample");
    }

    @Test
    void findsNothingInAnEmptyOrBrokenValue() {
        assertThat(AuthservId.of("")).isEmpty();
        assertThat(AuthservId.of("   ")).isEmpty();
        assertThat(AuthservId.of(" ; spf=pass")).isEmpty();
        assertThat(AuthservId.of(" \"unterminated")).isEmpty();
        assertThat(AuthservId.of(" (unterminated comment")).isEmpty();
    }

    @Test
    void claimsComparesCaseInsensitivelyAndExactly() {
        assertThat(AuthservId.claims(" MX.Example.Test; none", "mx.example.test")).isTrue();
        assertThat(AuthservId.claims(" mx.example.test.evil; none", "mx.example.test")).isFalse();
        assertThat(AuthservId.claims(" evil.mx.example.test; none", "mx.example.test")).isFalse();
    }
}
