package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Signing, checked by verifying: every test key in every format with every canonicalization signs the base message
 * of the test set, and this module's verifier, asking the loopback DNS server for the published records, passes it;
 * tampered copies fail.
 */
class DkimSignerTest {

    private static final Clock CLOCK = DkimVectorsTest.CLOCK;

    @TempDir static Path dir;
    private static TestDns dns;
    private static DkimVerifier verifier;
    private static TestMessage base;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDns.start(zone -> { });
        verifier = DkimVerifier.create(dns.resolver, DkimVerifierSettings.defaults().withClock(CLOCK));
        TestMessage signed = TestMessage.read(TestKeys.DATA.resolve("messages/001-rsa2048-relaxed-relaxed.eml"));
        base = new TestMessage(signed.headers().subList(1, signed.headers().size()), signed.body());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    static Stream<Arguments> keysAndCanonicalizations() {
        List<Arguments> all = new ArrayList<>();
        for (String[] key : new String[][] {{"keys/rsa2048.pem", "rsa2048"}, {"keys/rsa2048-pkcs1.pem", "rsa2048"},
                {"keys/rsa1024.pem", "rsa1024"}, {"keys/ed25519.pem", "ed25519"}, {"keys/ed25519.seed", "ed25519"}}) {
            for (Canonicalization header : Canonicalization.values()) {
                for (Canonicalization body : Canonicalization.values()) {
                    all.add(Arguments.of(key[0], key[1], header, body));
                }
            }
        }
        return all.stream();
    }

    private static DkimSigner signer(String keyFile, String selector, Canonicalization header, Canonicalization body) {
        return DkimSigner.create(TestKeys.load(dir, keyFile), "example.org", selector,
                SignOptions.defaults().withCanonicalization(header, body).withClock(CLOCK));
    }

    @ParameterizedTest(name = "{0} {2}/{3}")
    @MethodSource("keysAndCanonicalizations")
    void signsWhatTheVerifierPasses(String keyFile, String selector, Canonicalization header, Canonicalization body)
            throws Exception {
        TestMessage signed = base.sign(signer(keyFile, selector, header, body), 13);

        List<DkimResult> results = signed.verify(verifier, 7);
        assertThat(results).hasSize(1);
        assertThat(results.get(0)).isInstanceOf(DkimResult.Pass.class);
        assertThat(results.get(0).authenticationResults())
                .startsWith("dkim=pass header.d=example.org header.s=" + selector + " header.b=");
        assertThat(signed.withLfFolds().verify(verifier, 1 << 16)).isEqualTo(results);
        // Written out with CRLF and read back, as `postern dkim sign` and a file-based verifier would.
        assertThat(TestMessage.parse(signed.toBytes()).verify(verifier, 5)).isEqualTo(results);
    }

    @ParameterizedTest(name = "{0} {2}/{3}")
    @MethodSource("keysAndCanonicalizations")
    void tamperedCopiesFail(String keyFile, String selector, Canonicalization header, Canonicalization body)
            throws Exception {
        TestMessage signed = base.sign(signer(keyFile, selector, header, body), 1 << 16);

        byte[] changedBody = signed.body().clone();
        changedBody[2] ^= 0x20;   // "Hello" -> "HeLlo"
        assertThat(reason(signed.withBody(changedBody))).isEqualTo("fail: body hash did not verify");

        List<HeaderField> headers = new ArrayList<>(signed.headers());
        int subject = indexOf(headers, "Subject");
        headers.set(subject, new HeaderField("Subject", " Quarterly report: other numbers"));
        assertThat(reason(new TestMessage(headers, signed.body()))).isEqualTo("fail: signature did not verify");

        // From is oversigned: a second From makes the null string of h= an instance, so the signature breaks.
        List<HeaderField> twoFroms = new ArrayList<>(signed.headers());
        twoFroms.add(new HeaderField("From", " Mallory <mallory@example.net>"));
        assertThat(reason(new TestMessage(twoFroms, signed.body()))).isEqualTo("fail: signature did not verify");

        List<HeaderField> unsigned = new ArrayList<>(signed.headers());
        unsigned.add(new HeaderField("X-Mailing-List", " added on the way"));
        assertThat(reason(new TestMessage(unsigned, signed.body()))).isEqualTo("pass: ");
    }

    @Test void ed25519SignaturesAreDeterministic() {
        DkimSigner signer = signer("keys/ed25519.pem", "ed25519", Canonicalization.RELAXED, Canonicalization.RELAXED);
        assertThat(base.sign(signer, 100).headers().get(0)).isEqualTo(base.sign(signer, 3).headers().get(0));
    }

    @Test void lfAndCrlfFoldsSignTheSame() {
        DkimSigner signer = signer("keys/rsa2048.pem", "rsa2048", Canonicalization.SIMPLE, Canonicalization.SIMPLE);
        assertThat(base.withLfFolds().sign(signer, 64).headers().get(0))
                .isEqualTo(base.sign(signer, 64).headers().get(0));
    }

    @Test void writesAFoldedValueWithOversignedHeaders() {
        DkimSigner signer = signer("keys/rsa2048.pem", "rsa2048", Canonicalization.RELAXED, Canonicalization.SIMPLE);
        String value = base.sign(signer, 64).headers().get(0).value();

        assertThat(value).startsWith(" v=1; a=rsa-sha256; c=relaxed/simple; d=example.org; s=rsa2048;")
                .contains("t=1735689600;").doesNotContain("\r").doesNotContain("x=").doesNotContain("i=");
        String[] lines = ("DKIM-Signature:" + value).split("\n");
        assertThat(lines).hasSizeGreaterThan(3);
        assertThat(Arrays.asList(lines)).allSatisfy(line -> {
            assertThat(line.length()).isLessThanOrEqualTo(78);
            assertThat(line).doesNotEndWith(" ");
        });
        assertThat(Arrays.stream(lines).skip(1)).allSatisfy(line -> assertThat(line).startsWith("\t"));
        String h = Ascii.removeFws(value.substring(value.indexOf("h=") + 2, value.indexOf(';', value.indexOf("h="))));
        // Present fields once per instance, oversigned ones once more, absent ones only when oversigned.
        assertThat(h).isEqualTo("from:from:reply-to:subject:subject:date:date:to:to:cc:message-id:message-id:"
                + "in-reply-to:references:mime-version:mime-version:content-type:content-type:"
                + "content-transfer-encoding:content-transfer-encoding");
    }

    @Test void signsTheRfc6376ExampleSoThatItVerifies() throws Exception {
        TestMessage a1 = TestMessage.read(TestKeys.DATA.resolve("rfc/rfc6376-a1-unsigned.eml"));
        DkimSigner signer = DkimSigner.create(TestKeys.load(dir, "rfc/rfc6376-appendix-c-brisbane.pem"),
                "example.com", "brisbane", SignOptions.defaults().withClock(CLOCK)
                        .withCanonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE));
        List<DkimResult> results = a1.sign(signer, 10).verify(verifier, 10);
        assertThat(results).singleElement().isInstanceOf(DkimResult.Pass.class);
        assertThat(results.get(0).domain()).isEqualTo("example.com");
    }

    @Test void writesIdentityAndExpiryThatTheVerifierHonours() throws Exception {
        SignOptions options = new SignOptions(Canonicalization.RELAXED, Canonicalization.RELAXED,
                SignOptions.DEFAULT_SIGNED_HEADERS, SignOptions.DEFAULT_OVERSIGNED_HEADERS,
                Optional.of("alice@mail.example.org"), true, Optional.of(Duration.ofHours(1)), CLOCK);
        DkimSigner signer = DkimSigner.create(TestKeys.load(dir, "keys/ed25519.pem"), "example.org", "ed25519",
                options);
        TestMessage signed = base.sign(signer, 64);
        assertThat(signed.headers().get(0).value()).contains("i=alice@mail.example.org;").contains("x=1735693200;");

        DkimResult now = signed.verify(verifier, 64).get(0);
        assertThat(now).isInstanceOf(DkimResult.Pass.class);
        assertThat(((DkimResult.Pass) now).identityDomain()).isEqualTo("mail.example.org");

        DkimVerifier later = DkimVerifier.create(dns.resolver, DkimVerifierSettings.defaults()
                .withClock(Clock.fixed(Instant.parse("2025-01-01T02:00:00Z"), ZoneOffset.UTC)));
        assertThat(signed.verify(later, 64).get(0).authenticationResults())
                .startsWith("dkim=permerror reason=\"signature expired\"");
    }

    @Test void refusesKeysAndNamesThatCannotMakeAValidSignature() {
        DkimSigningKey rsa512 = TestKeys.load(dir, "keys/rsa512.pem");
        assertThatThrownBy(() -> DkimSigner.create(rsa512, "example.org", "rsa512", SignOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 8301");
        DkimSigningKey ed = TestKeys.load(dir, "keys/ed25519.pem");
        assertThatThrownBy(() -> DkimSigner.create(ed, "example..org", "s", SignOptions.defaults()))
                .hasMessageContaining("not a domain name");
        SignOptions otherDomain = new SignOptions(Canonicalization.RELAXED, Canonicalization.RELAXED,
                List.of("from"), Set.of(), Optional.of("@example.net"), true, Optional.empty(), CLOCK);
        assertThatThrownBy(() -> DkimSigner.create(ed, "example.org", "s", otherDomain))
                .hasMessageContaining("not within the signing domain");
        assertThatThrownBy(() -> new SignOptions(Canonicalization.RELAXED, Canonicalization.RELAXED,
                List.of("subject"), Set.of(), Optional.empty(), true, Optional.empty(), CLOCK))
                .hasMessageContaining("must include From");
    }

    @Test void refusesUseAfterFinish() {
        DkimSigning signing = signer("keys/ed25519.pem", "ed25519", Canonicalization.RELAXED, Canonicalization.RELAXED)
                .begin(base.headers());
        signing.finish();
        assertThatThrownBy(signing::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> signing.body(java.nio.ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String reason(TestMessage m) throws Exception {
        DkimResult r = m.verify(verifier, 1 << 16).get(0);
        return r.keyword() + ": " + r.reason();
    }

    private static int indexOf(List<HeaderField> headers, String name) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new AssertionError("no " + name);
    }
}
