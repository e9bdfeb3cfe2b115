package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6376 §5.4.2 (instances bottom-up, oversigning) and §3.7 (the signature field with an empty b=). */
class SignedHeadersTest {

    private static final HeaderField SIGNATURE = new HeaderField("DKIM-Signature", " v=1; h=x; b=SIG");

    @Test void picksRepeatedFieldsBottomUpAndNothingForMissingOnes() {
        List<HeaderField> headers = List.of(
                new HeaderField("Received", " first"),
                new HeaderField("X", " top"),
                new HeaderField("Received", " second"),
                new HeaderField("x", " bottom"));
        String data = SignedHeaders.data(headers, -1, List.of("x", "received", "X", "x", "From"),
                Canonicalization.SIMPLE, SIGNATURE);
        assertThat(data).isEqualTo("x: bottom\r\nReceived: second\r\nX: top\r\n" + "DKIM-Signature: v=1; h=x; b=");
    }

    @Test void neverSelectsTheSignatureBeingVerified() {
        List<HeaderField> headers = List.of(
                new HeaderField("DKIM-Signature", " v=1; other=1; b=OLD"),
                SIGNATURE);
        String data = SignedHeaders.data(headers, 1, List.of("dkim-signature", "dkim-signature"),
                Canonicalization.RELAXED, SIGNATURE);
        assertThat(data).isEqualTo("dkim-signature:v=1; other=1; b=OLD\r\ndkim-signature:v=1; h=x; b=");
    }

    @Test void emptiesOnlyTheBTagWithItsWhitespace() {
        assertThat(SignedHeaders.withEmptySignature(" v=1; bh=abc=; b=\r\n\tde f\r\n\tgh ; x=1"))
                .isEqualTo(" v=1; bh=abc=; b=; x=1");
        assertThat(SignedHeaders.withEmptySignature(" v=1;\n\tb = AB;")).isEqualTo(" v=1;\n\tb =;");
        assertThat(SignedHeaders.withEmptySignature(" v=1; bh=abc")).isEqualTo(" v=1; bh=abc");
    }
}
