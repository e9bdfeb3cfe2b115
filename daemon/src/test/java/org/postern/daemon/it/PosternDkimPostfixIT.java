package org.postern.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.daemon.Postern;
import org.postern.dkim.DkimKeys;
import org.postern.dkim.DkimResult;
import org.postern.dkim.DkimVerification;
import org.postern.dkim.DkimVerifier;
import org.postern.dkim.DkimVerifierSettings;
import org.postern.dkim.RawMessage;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/**
 * DKIM verification through a real Postfix (issue #4): signed messages of the shared test set, sent as they are,
 * arrive with {@code dkim=} entries in Authentication-Results. The keys come from the set's manifest, served by the
 * loopback DNS server (the RSA-2048 record split into 255-octet strings, as a verifier must join them). Postfix hands
 * the headers over with LF-joined folds and, as negotiated, their leading space, and the body in chunks: the
 * signatures still verify, and a tampered copy still fails.
 */
class PosternDkimPostfixIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path TESTDATA = Path.of("..", "..", "shared", "testdata", "dkim");

    private static Path stateDir;
    private static Path keyDir;
    private static LoopbackDnsServer dns;
    private static Postern postern;
    private static PostfixInstance postfix;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("postern-it-state-");
        keyDir = Files.createTempDirectory("postern-it-dkim-");
        DnsZone.Builder zone = keysFromManifest();
        zone.txt("_dmarc.example.org", "v=DMARC1; p=reject; adkim=r");
        // Signing keys for example.test, as `postern dkim keygen` makes them, and their published records.
        for (var key : Map.of("s1", DkimKeys.generateRsa(2048), "e1", DkimKeys.generateEd25519()).entrySet()) {
            Files.createDirectories(keyDir.resolve("example.test"));
            DkimKeys.write(key.getValue(), keyDir.resolve("example.test").resolve(key.getKey() + ".key"));
            zone.txt(key.getKey() + "._domainkey.example.test",
                    DkimKeys.dnsStrings(DkimKeys.dnsRecord(key.getValue().publicKey())).toArray(String[]::new));
        }
        dns = LoopbackDnsServer.start(zone.build());
        postern = Postern.start(ConfigLoader.parse("""
                milter:
                  listen: 127.0.0.1:0
                state_dir: %s
                authserv_id: mx.example.test
                dns:
                  servers: ["127.0.0.1:%d"]
                spf: {enabled: false}
                greylist: {enabled: false}
                dkim:
                  key_dir: %s
                  domains:
                    - {domain: example.test, selector: s1, ed25519_selector: e1}
                """.formatted(stateDir, dns.address().getPort(), keyDir), "PosternDkimPostfixIT"));
        postfix = PostfixInstance.builder().milterPort(postern.milterAddress().getPort()).start();
    }

    @AfterAll
    static void stop() {
        try {
            Closing.closeAll(postern, postfix, dns);
        } finally {
            TestFiles.deleteRecursively(stateDir);
            TestFiles.deleteRecursively(keyDir);
        }
    }

    @Test
    void outgoingMailIsSignedWithBothKeysAndVerifies() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(postfix.submissionPort())) {
            smtp.ehlo("laptop.example.test");
            assertThat(smtp.mailFrom("alice@example.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address("niaj")).code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message("signed", "alice@example.test", PostfixInstance.address("niaj"),
                    "Signed on the way out")).code()).isEqualTo(250);
            smtp.quit();
        }
        Path delivered = postfix.awaitDelivered("niaj", WAIT).get(0);
        DeliveredMessage m = DeliveredMessage.read(delivered);
        assertThat(m.all("DKIM-Signature")).hasSize(2);
        // On top (INSHEADER 0), above Postfix's Received:; only the delivery agent's Return-Path comes before.
        assertThat(m.names().indexOf("DKIM-Signature")).as("signatures above Postfix's Received:")
                .isLessThan(m.names().indexOf("Received"));
        RawMessage raw = RawMessage.parse(Files.readAllBytes(delivered));
        try (DnsResolver resolver = DnsResolver.create(DnsResolverSettings.defaults(List.of(dns.address())))) {
            DkimVerification verification = DkimVerifier.create(resolver, DkimVerifierSettings.defaults())
                    .begin(raw.headers());
            verification.body(raw.body());
            List<DkimResult> results = verification.finish().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(results).extracting(DkimResult::keyword).containsExactly("pass", "pass");
            assertThat(results).extracting(DkimResult::selector).containsExactlyInAnyOrder("s1", "e1");
        }
    }

    @Test
    void inboundMailIsNotSigned() throws IOException {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            smtp.ehlo("client.remote.test");
            assertThat(smtp.mailFrom("alice@example.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address("oscar")).code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message("inbound", "alice@example.test", PostfixInstance.address("oscar"),
                    "Claims to be from us")).code()).isEqualTo(250);
            smtp.quit();
        }
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered("oscar", WAIT).get(0));
        assertThat(m.all("DKIM-Signature")).isEmpty();
    }

    @Test
    void anRsaSignedMessageArrivesWithDkimPass() throws IOException {
        String results = deliver("messages/001-rsa2048-relaxed-relaxed.eml", "trent");
        assertThat(results).contains("dkim=pass").contains("header.d=example.org").contains("header.s=rsa2048");
        assertThat(results).contains("dmarc=pass").contains("header.from=example.org");
    }

    @Test
    void anEd25519SignedMessageArrivesWithDkimPass() throws IOException {
        String results = deliver("messages/007-ed25519-simple-simple.eml", "victor");
        assertThat(results).contains("dkim=pass").contains("header.s=ed25519");
    }

    @Test
    void aTamperedBodyArrivesWithDkimFail() throws IOException {
        String results = deliver("messages/023-tampered-rsa2048-simple-simple-body-byte.eml", "walter");
        assertThat(results).contains("dkim=fail").contains("header.d=example.org");
        assertThat(results).doesNotContain("dkim=pass");
        // No aligned pass (SPF is off in this test): DMARC fails; p=reject only scores by default.
        assertThat(results).contains("dmarc=fail").contains("header.from=example.org");
    }

    /** Sends a test-set message through Postfix and returns the delivered Authentication-Results, unfolded. */
    private static String deliver(String file, String user) throws IOException {
        String message = Files.readString(TESTDATA.resolve(file), ISO_8859_1);   // octets as they are
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            // A remote client (XCLIENT): DMARC, like SPF, leaves this host's own loopback services alone.
            smtp.ehlo("localhost");
            assertThat(smtp.xclient("NAME=mail.example.org ADDR=192.0.2.25").code()).isEqualTo(220);
            smtp.ehlo("mail.example.org");
            assertThat(smtp.mailFrom("sender@example.org").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address(user)).code()).isEqualTo(250);
            assertThat(smtp.data(message).code()).isEqualTo(250);
            smtp.quit();
        }
        DeliveredMessage m = DeliveredMessage.read(postfix.awaitDelivered(user, WAIT).get(0));
        List<String> results = m.all("Authentication-Results");
        assertThat(results).singleElement().asString().startsWith("mx.example.test;");
        return results.get(0).replaceAll("\\s+", " ");
    }

    /** The manifest's DNS map as a zone; TXT values longer than 255 octets become several character-strings. */
    private static DnsZone.Builder keysFromManifest() throws IOException {
        JsonNode dnsMap = new ObjectMapper().readTree(TESTDATA.resolve("manifest.json").toFile()).get("dns");
        DnsZone.Builder zone = DnsZone.builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = dnsMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String txt = e.getValue().asText();
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < txt.length(); i += 255) {
                strings.add(txt.substring(i, Math.min(txt.length(), i + 255)));
            }
            zone.txt(e.getKey(), strings.toArray(String[]::new));
        }
        return zone;
    }
}
