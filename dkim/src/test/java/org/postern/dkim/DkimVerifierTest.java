package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;

/**
 * The verifier's outcomes beyond the test vectors: DNS trouble, key record corners, limits, and the
 * Authentication-Results text. Signatures are made with {@link DkimSigner} at selectors whose records each test
 * chooses.
 */
class DkimVerifierTest {

    private static final Clock CLOCK = DkimVectorsTest.CLOCK;

    @TempDir static Path dir;
    private static TestDns dns;
    private static DkimVerifier verifier;
    private static TestMessage base;
    private static DkimSigningKey rsa;
    private static DkimSigningKey ed;

    @BeforeAll
    static void start() throws Exception {
        rsa = TestKeys.load(dir, "keys/rsa2048.pem");
        ed = TestKeys.load(dir, "keys/ed25519.pem");
        String rsaRecord = DkimKeys.dnsRecord(rsa.publicKey());
        String rsaP = rsaRecord.substring(rsaRecord.indexOf("p=") + 2);
        byte[] spki = Base64.getDecoder().decode(rsaP);
        // A 2048-bit SubjectPublicKeyInfo is 24 octets of header and algorithm around the PKCS#1 RSAPublicKey.
        String pkcs1 = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, 24, spki.length));
        dns = TestDns.start(zone -> zone
                .servfail("broken._domainkey.example.org")
                .timeout("silent._domainkey.example.org")
                .txt("wrongtype._domainkey.example.org", "v=DKIM1; k=rsa; p=" + rsaP.substring(0, 200),
                        rsaP.substring(200))
                .txt("sha1only._domainkey.example.org", DkimVectorsTest.split255("v=DKIM1; h=sha1; p=" + rsaP))
                .txt("web._domainkey.example.org", DkimVectorsTest.split255("v=DKIM1; s=www; p=" + rsaP))
                .txt("v2._domainkey.example.org", DkimVectorsTest.split255("v=DKIM2; p=" + rsaP))
                .txt("garbled._domainkey.example.org", "v=DKIM1; k=rsa; p=not!base64")
                .txt("unknown._domainkey.example.org", "v=DKIM1; k=dsa; p=AAAA")
                .txt("pkcs1._domainkey.example.org", DkimVectorsTest.split255("v=DKIM1; k=rsa; p=" + pkcs1))
                .txt("two._domainkey.example.org", "v=spf1 -all")
                .txt("two._domainkey.example.org", DkimVectorsTest.split255(rsaRecord)));
        verifier = DkimVerifier.create(dns.resolver, DkimVerifierSettings.defaults().withClock(CLOCK));
        TestMessage signed = TestMessage.read(TestKeys.DATA.resolve("messages/001-rsa2048-relaxed-relaxed.eml"));
        base = new TestMessage(signed.headers().subList(1, signed.headers().size()), signed.body());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static TestMessage signed(DkimSigningKey key, String selector) {
        return base.sign(DkimSigner.create(key, "example.org", selector, SignOptions.defaults().withClock(CLOCK)), 99);
    }

    private static String outcome(TestMessage m) throws Exception {
        return outcome(m, verifier);
    }

    private static String outcome(TestMessage m, DkimVerifier v) throws Exception {
        List<DkimResult> results = m.verify(v, 512);
        assertThat(results).hasSize(1);
        return results.get(0).keyword() + ": " + results.get(0).reason();
    }

    @Test void keyLookupServfailIsATempError() throws Exception {
        assertThat(outcome(signed(rsa, "broken"))).isEqualTo("temperror: key lookup failed: servfail");
    }

    @Test void keyLookupPastTheDeadlineIsATempError() throws Exception {
        DkimVerifier impatient = DkimVerifier.create(dns.resolver, new DkimVerifierSettings(5, 1024,
                Duration.ofMinutes(5), Duration.ofMillis(50), CLOCK));
        assertThat(outcome(signed(rsa, "silent"), impatient)).isEqualTo("temperror: key lookup failed: timeout");
    }

    @Test void keyRecordCornersArePermErrors() throws Exception {
        assertThat(outcome(signed(ed, "wrongtype")))
                .isEqualTo("permerror: key type k=rsa does not match a=ed25519-sha256");
        assertThat(outcome(signed(rsa, "sha1only"))).isEqualTo("permerror: key does not allow sha256 (h=)");
        assertThat(outcome(signed(rsa, "web"))).isEqualTo("permerror: key record is not for email (s=www)");
        assertThat(outcome(signed(rsa, "v2"))).isEqualTo("permerror: key record has v=DKIM2, not DKIM1");
        assertThat(outcome(signed(rsa, "garbled"))).isEqualTo("permerror: key record p= is not base64");
        assertThat(outcome(signed(rsa, "unknown"))).isEqualTo("permerror: key record has unknown key type k=dsa");
    }

    @Test void acceptsAPkcs1KeyAndSkipsRecordsThatAreNoKey() throws Exception {
        assertThat(outcome(signed(rsa, "pkcs1"))).isEqualTo("pass: ");
        assertThat(outcome(signed(rsa, "two"))).isEqualTo("pass: ");
    }

    @Test void keysUnderTheConfiguredMinimumAreRefusedByPolicy() throws Exception {
        DkimVerifier strict = DkimVerifier.create(dns.resolver, new DkimVerifierSettings(5, 2048,
                Duration.ofMinutes(5), Duration.ofSeconds(10), CLOCK));
        TestMessage m = TestMessage.read(TestKeys.DATA.resolve("messages/005-rsa1024-relaxed-relaxed.eml"));
        assertThat(outcome(m, strict)).isEqualTo("policy: RSA key of 1024 bits is shorter than the configured 2048");
        assertThatThrownBy(() -> new DkimVerifierSettings(5, 512, Duration.ZERO, Duration.ofSeconds(1), CLOCK))
                .hasMessageContaining("RFC 8301");
    }

    @Test void bodyShorterThanLIsAPermError() throws Exception {
        TestMessage m = TestMessage.read(TestKeys.DATA.resolve("messages/008-l-tag.eml"));
        byte[] shorter = Arrays.copyOf(m.body(), m.body().length - 8);
        assertThat(outcome(m.withBody(shorter))).isEqualTo("permerror: l= is longer than the body");
    }

    @Test void timestampInTheFutureIsAPermError() throws Exception {
        DkimVerifier past = DkimVerifier.create(dns.resolver, DkimVerifierSettings.defaults()
                .withClock(Clock.fixed(Instant.parse("2024-12-31T23:00:00Z"), ZoneOffset.UTC)));
        assertThat(outcome(signed(rsa, "rsa2048"), past)).isEqualTo("permerror: signature timestamp is in the future");
        DkimVerifier skewed = DkimVerifier.create(dns.resolver, DkimVerifierSettings.defaults()
                .withClock(Clock.fixed(Instant.parse("2024-12-31T23:58:00Z"), ZoneOffset.UTC)));
        assertThat(outcome(signed(rsa, "rsa2048"), skewed)).isEqualTo("pass: ");
    }

    @Test void malformedSignaturesArePermErrorsWithoutLookups() throws Exception {
        long queries = dns.server.queriesReceived();
        assertThat(outcome(base.withTopField("DKIM-Signature",
                " v=1; a=rsa-sha256; d=example.org; s=x; h=from; b=AAAA")))
                .isEqualTo("permerror: signature has no bh=");
        assertThat(outcome(base.withTopField("DKIM-Signature", " v=1; v=1"))).isEqualTo("permerror: duplicate tag v=");
        assertThat(outcome(base.withTopField("dkim-signature", " v=2; a=rsa-sha256; d=example.org; s=x; h=from;"
                + " bh=AAAA; b=AAAA"))).isEqualTo("permerror: unsupported signature version v=2");
        assertThat(outcome(base.withTopField("DKIM-Signature", " v=1; a=rsa-sha256; d=example.org; s=x; h=from;"
                + " bh=AAAA; b=AAAA; i=@example.com"))).isEqualTo("permerror: i= is not in the d= domain");
        assertThat(outcome(base.withTopField("DKIM-Signature", " v=1; a=rsa-sha256; d=example.org; s=x; h=from;"
                + " bh=AAAA; b=AAAA; t=20; x=10"))).isEqualTo("permerror: x= is not after t=");
        assertThat(outcome(base.withTopField("DKIM-Signature", " v=1; a=rsa-sha256; c=fancy; d=example.org; s=x;"
                + " h=from; bh=AAAA; b=AAAA"))).isEqualTo("permerror: unsupported canonicalization c=fancy");
        assertThat(dns.server.queriesReceived()).isEqualTo(queries);
    }

    @Test void signaturesBeyondTheMaximumAreNeutralAndCostNoLookup() throws Exception {
        TestMessage twice = signed(rsa, "rsa2048").sign(DkimSigner.create(ed, "example.org", "nokey",
                SignOptions.defaults().withClock(CLOCK)), 99);
        long before = dns.server.queriesReceived("rsa2048._domainkey.example.org");
        try (DnsResolver fresh = DnsResolver.create(DnsResolverSettings.defaults(List.of(dns.server.address())))) {
            DkimVerifier one = DkimVerifier.create(fresh, new DkimVerifierSettings(1, 1024,
                    Duration.ofMinutes(5), Duration.ofSeconds(10), CLOCK));
            List<DkimResult> results = twice.verify(one, 100);
            assertThat(results).extracting(DkimResult::keyword).containsExactly("permerror", "neutral");
            assertThat(results.get(0).reason()).isEqualTo("no key for signature");
            assertThat(results.get(1).authenticationResults())
                    .startsWith("dkim=neutral reason=\"not evaluated: more than 1 signatures\" header.d=example.org "
                            + "header.s=rsa2048 header.b=");
        }
        assertThat(dns.server.queriesReceived("rsa2048._domainkey.example.org")).isEqualTo(before);
    }

    @Test void messageWithoutSignaturesCompletesAtOnceWithNoResults() {
        DkimVerification v = verifier.begin(base.headers());
        v.body(ByteBuffer.wrap(base.body()));
        CompletableFuture<List<DkimResult>> done = v.finish().toCompletableFuture();
        assertThat(done).isCompletedWithValue(List.of());
        assertThatThrownBy(v::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> v.body(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test void authenticationResultsQuoteWhatIsNoToken() {
        DkimResult fail = new DkimResult.Fail("example.org", "sel", "ab/cd+ef", "said \"no\"\r\n");
        assertThat(fail.authenticationResults()).isEqualTo(
                "dkim=fail reason=\"said \\\"no\\\"??\" header.d=example.org header.s=sel header.b=\"ab/cd+ef\"");
        DkimResult broken = new DkimResult.PermError("", "", "", "duplicate tag v=");
        assertThat(broken.authenticationResults()).isEqualTo("dkim=permerror reason=\"duplicate tag v=\"");
        DkimResult pass = new DkimResult.Pass("example.org", "sel", "abcdefgh", "example.org",
                DkimAlgorithm.RSA_SHA256, false, 0);
        assertThat(pass.authenticationResults())
                .isEqualTo("dkim=pass header.d=example.org header.s=sel header.b=abcdefgh");
    }

    @Test void headersAreCopiedAtBegin() throws Exception {
        TestMessage m = signed(rsa, "rsa2048");
        List<HeaderField> mutable = new ArrayList<>(m.headers());
        DkimVerification v = verifier.begin(mutable);
        mutable.clear();
        v.body(ByteBuffer.wrap(m.body()));
        assertThat(v.finish().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .singleElement().isInstanceOf(DkimResult.Pass.class);
    }
}
