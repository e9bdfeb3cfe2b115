package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6376 §3.4: header and body canonicalization, with the examples of §3.4.5. */
class CanonicalizationTest {

    // RFC 6376 §3.4.5, the example message:
    //   A: <SP> X <CRLF>
    //   B <SP> : <SP> Y <HTAB><CRLF>
    //                 <HTAB> Z <SP><SP><CRLF>
    //   <CRLF>
    //   <SP> C <SP><CRLF>
    //   D <SP><HTAB><SP> E <CRLF>
    //   <CRLF>
    //   <CRLF>
    private static final List<HeaderField> EXAMPLE_HEADERS = List.of(
            new HeaderField("A", " X"),
            new HeaderField("B ", " Y\t\r\n\tZ  "));
    private static final String EXAMPLE_BODY = " C \r\nD \t E\r\n\r\n\r\n";

    @Test void relaxedHeaderMatchesRfc6376Example() {
        // RFC 6376 §3.4.5: "a:X <CRLF>" and "b:Y <SP> Z <CRLF>" (the spaces in the RFC's drawing are layout).
        assertThat(header(Canonicalization.RELAXED, EXAMPLE_HEADERS)).isEqualTo("a:X\r\nb:Y Z\r\n");
    }

    @Test void simpleHeaderMatchesRfc6376Example() {
        assertThat(header(Canonicalization.SIMPLE, EXAMPLE_HEADERS))
                .isEqualTo("A: X\r\nB : Y\t\r\n\tZ  \r\n");
    }

    @Test void relaxedBodyMatchesRfc6376Example() {
        assertThat(bodyHash(Canonicalization.RELAXED, EXAMPLE_BODY, -1)).isEqualTo(sha256(" C\r\nD E\r\n"));
    }

    @Test void simpleBodyMatchesRfc6376Example() {
        assertThat(bodyHash(Canonicalization.SIMPLE, EXAMPLE_BODY, -1)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test void simpleHeaderTreatsPostfixLfFoldsAsCrlf() {
        assertThat(Canonicalization.SIMPLE.header("To", " a,\n\tb")).isEqualTo("To: a,\r\n\tb\r\n");
        assertThat(Canonicalization.SIMPLE.header("To", " a,\r\n\tb")).isEqualTo("To: a,\r\n\tb\r\n");
    }

    @Test void relaxedHeaderKeepsOctetsAboveAscii() {
        String utf8Octets = new String("Grüße".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(Canonicalization.RELAXED.header("Subject", "  " + utf8Octets + " \t"))
                .isEqualTo("subject:" + utf8Octets + "\r\n");
    }

    @Test void emptyBodyIsOneCrlfWhenSimpleAndNothingWhenRelaxed() {
        // RFC 6376 §3.4.3: "If there is no body or no trailing CRLF on the message body, a CRLF is added."
        assertThat(bodyHash(Canonicalization.SIMPLE, "", -1)).isEqualTo(sha256("\r\n"));
        // RFC 6376 §3.4.4: "if the body is non-empty but does not end with a CRLF, a CRLF is added" - empty stays.
        assertThat(bodyHash(Canonicalization.RELAXED, "", -1)).isEqualTo(sha256(""));
        assertThat(bodyHash(Canonicalization.SIMPLE, "\r\n\r\n", -1)).isEqualTo(sha256("\r\n"));
        assertThat(bodyHash(Canonicalization.RELAXED, " \r\n\t\r\n", -1)).isEqualTo(sha256(""));
    }

    @Test void bodyWithoutFinalCrlfGetsOne() {
        assertThat(bodyHash(Canonicalization.SIMPLE, "a", -1)).isEqualTo(sha256("a\r\n"));
        assertThat(bodyHash(Canonicalization.RELAXED, "a  ", -1)).isEqualTo(sha256("a\r\n"));
    }

    @Test void bareCrAndLfAreOrdinaryOctets() {
        assertThat(bodyHash(Canonicalization.SIMPLE, "a\rb\nc\r\n", -1)).isEqualTo(sha256("a\rb\nc\r\n"));
        assertThat(bodyHash(Canonicalization.RELAXED, "a \r b\r\n", -1)).isEqualTo(sha256("a \r b\r\n"));
        assertThat(bodyHash(Canonicalization.SIMPLE, "a\r", -1)).isEqualTo(sha256("a\r\r\n"));
    }

    @Test void emptyLinesInsideTheBodyStay() {
        assertThat(bodyHash(Canonicalization.SIMPLE, "a\r\n\r\n\r\nb\r\n\r\n", -1))
                .isEqualTo(sha256("a\r\n\r\n\r\nb\r\n"));
        assertThat(bodyHash(Canonicalization.RELAXED, "a\r\n \r\n\r\nb\r\n\r\n", -1))
                .isEqualTo(sha256("a\r\n\r\n\r\nb\r\n"));
    }

    @Test void lengthLimitHashesThePrefixAndCountsEverything() {
        BodyHasher hasher = new BodyHasher(Canonicalization.RELAXED, "SHA-256", 5);
        hasher.update(ascii(EXAMPLE_BODY));
        BodyHasher.Digest digest = hasher.finish();
        assertThat(digest.hash()).isEqualTo(sha256(" C\r\nD"));
        assertThat(digest.canonicalLength()).isEqualTo(" C\r\nD E\r\n".length());
    }

    @Test void bodySplitAtEveryOctetHashesTheSame() {
        String body = " C \r\nD \t E\r\n\r\n\tx\r\r\n \r\n\r\n";
        for (Canonicalization c : Canonicalization.values()) {
            byte[] whole = bodyHash(c, body, -1);
            for (int cut = 1; cut < body.length(); cut++) {
                BodyHasher hasher = new BodyHasher(c, "SHA-256", -1);
                hasher.update(ascii(body.substring(0, cut)));
                hasher.update(ascii(body.substring(cut)));
                assertThat(hasher.finish().hash()).as("%s cut at %d", c, cut).isEqualTo(whole);
            }
            BodyHasher oneByOne = new BodyHasher(c, "SHA-256", -1);
            for (int i = 0; i < body.length(); i++) {
                oneByOne.update(ascii(body.substring(i, i + 1)));
            }
            assertThat(oneByOne.finish().hash()).isEqualTo(whole);
        }
    }

    @Test void updateLeavesTheBufferPositionAlone() {
        ByteBuffer chunk = ascii("abc\r\n");
        new BodyHasher(Canonicalization.SIMPLE, "SHA-256", -1).update(chunk);
        assertThat(chunk.position()).isZero();
        assertThat(chunk.remaining()).isEqualTo(5);
    }

    @Test void refusesChunksAfterFinish() {
        BodyHasher hasher = new BodyHasher(Canonicalization.SIMPLE, "SHA-256", -1);
        hasher.finish();
        assertThatThrownBy(() -> hasher.update(ascii("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test void tagValuesAreParsedWithFoldsAndDuplicatesRefused() {
        Parsed<TagList> ok = TagList.parse(" v=1; h=from :\r\n\tto; b=abc\r\n def ;");
        assertThat(ok).isInstanceOf(Parsed.Ok.class);
        TagList tags = ((Parsed.Ok<TagList>) ok).value();
        assertThat(tags.get("h")).contains("from :\r\n\tto");
        assertThat(tags.get("b")).contains("abc\r\n def");
        assertThat(TagList.parse("v=1; v=1")).isEqualTo(Parsed.invalid("duplicate tag v="));
        assertThat(TagList.parse("v=1; 1x=2")).isInstanceOf(Parsed.Invalid.class);
        assertThat(TagList.parse("v=1; n")).isInstanceOf(Parsed.Invalid.class);
    }

    private static String header(Canonicalization c, List<HeaderField> fields) {
        StringBuilder out = new StringBuilder();
        for (HeaderField f : fields) {
            out.append(c.header(f.name(), f.value()));
        }
        return out.toString();
    }

    private static byte[] bodyHash(Canonicalization c, String body, long limit) {
        BodyHasher hasher = new BodyHasher(c, "SHA-256", limit);
        hasher.update(ascii(body));
        return hasher.finish().hash();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
