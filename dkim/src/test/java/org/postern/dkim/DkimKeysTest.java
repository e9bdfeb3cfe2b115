package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files in every format, the permission check, key generation and the DNS record. */
class DkimKeysTest {

    private static JsonNode dns;

    @TempDir Path dir;

    @BeforeAll
    static void readManifest() throws Exception {
        dns = new ObjectMapper().readTree(TestKeys.DATA.resolve("manifest.json").toFile()).get("dns");
    }

    @Test void loadsPkcs8RsaKeysWhoseRecordIsThePublishedOne() {
        DkimSigningKey key = TestKeys.load(dir, "keys/rsa2048.pem");
        assertThat(key.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(key.bits()).isEqualTo(2048);
        assertThat(DkimKeys.dnsRecord(key.publicKey())).isEqualTo(dns.get("rsa2048._domainkey.example.org").asText());
        assertThat(DkimKeys.dnsRecord(TestKeys.load(dir, "keys/rsa1024.pem").publicKey()))
                .isEqualTo(dns.get("rsa1024._domainkey.example.org").asText());
        assertThat(TestKeys.load(dir, "keys/rsa512.pem").bits()).isEqualTo(512);
    }

    @Test void loadsPkcs1RsaKeyAsTheSameKey() {
        DkimSigningKey pkcs8 = TestKeys.load(dir, "keys/rsa2048.pem");
        DkimSigningKey pkcs1 = TestKeys.load(dir, "keys/rsa2048-pkcs1.pem");
        assertThat(pkcs1.privateKey().getEncoded()).isEqualTo(pkcs8.privateKey().getEncoded());
        assertThat(pkcs1.publicKey()).isEqualTo(pkcs8.publicKey());
    }

    @Test void loadsEd25519FromPkcs8AndFromDkimpySeedAsTheSameKey() {
        DkimSigningKey pem = TestKeys.load(dir, "keys/ed25519.pem");
        DkimSigningKey seed = TestKeys.load(dir, "keys/ed25519.seed");
        assertThat(pem.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(seed.privateKey().getEncoded()).isEqualTo(pem.privateKey().getEncoded());
        assertThat(DkimKeys.dnsRecord(pem.publicKey())).isEqualTo(dns.get("ed25519._domainkey.example.org").asText());
        assertThat(DkimKeys.dnsRecord(seed.publicKey())).isEqualTo(dns.get("ed25519._domainkey.example.org").asText());
    }

    @Test void derivesTheRfc8463PublicKeyFromItsSeed() {
        DkimSigningKey key = TestKeys.load(dir, "rfc/rfc8463-a1-brisbane-ed25519.seed");
        // RFC 8463 A.2: the brisbane._domainkey.football.example.com record.
        assertThat(DkimKeys.dnsRecord(key.publicKey()))
                .isEqualTo("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        assertThat(DkimKeys.dnsRecord(TestKeys.load(dir, "rfc/rfc8463-a1-test-rsa.pem").publicKey()))
                .isEqualTo(dns.get("test._domainkey.football.example.com").asText());
        assertThat(DkimKeys.dnsRecord(TestKeys.load(dir, "rfc/rfc6376-appendix-c-brisbane.pem").publicKey()))
                .isEqualTo(dns.get("brisbane._domainkey.example.com").asText());
    }

    @Test void refusesAKeyOthersCanReadNamingTheFileAndTheChmod() {
        Path file = TestKeys.copy(dir, "keys/rsa2048.pem", "rw-r--r--");
        assertThatThrownBy(() -> DkimKeys.load(file))
                .isInstanceOf(DkimKeyException.class)
                .hasMessage("DKIM private key " + file + " has mode 0644: group or others can read it. "
                        + "Run: chmod 600 " + file);
    }

    @Test void refusesAGroupWritableKey() {
        Path file = TestKeys.copy(dir, "keys/ed25519.pem", "rw--w----");
        assertThatThrownBy(() -> DkimKeys.load(file))
                .hasMessage("DKIM private key " + file + " has mode 0620: group or others can write it. "
                        + "Run: chmod 600 " + file);
    }

    @Test void refusesWhatIsNoPrivateKey() throws Exception {
        assertThatThrownBy(() -> DkimKeys.parse("hello", "x.key"))
                .isInstanceOf(DkimKeyException.class)
                .hasMessageStartingWith("x.key is not a private key");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n", "e.key"))
                .hasMessageStartingWith("e.key is an encrypted key");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "p"))
                .hasMessage("p holds a \"PUBLIC KEY\", not a private key");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "j"))
                .hasMessage("j is not an RSA or Ed25519 key");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN PRIVATE KEY-----\nAA!A\n-----END PRIVATE KEY-----\n", "b"))
                .hasMessageContaining("not base64");
    }

    @Test void generatesKeysThatWriteLoadAndPublish() throws Exception {
        for (DkimSigningKey key : List.of(DkimKeys.generateRsa(2048), DkimKeys.generateEd25519())) {
            Path file = dir.resolve(key.algorithm().keyType() + ".key");
            DkimKeys.write(key, file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            DkimSigningKey loaded = DkimKeys.load(file);
            assertThat(loaded.privateKey().getEncoded()).isEqualTo(key.privateKey().getEncoded());
            assertThat(loaded.publicKey()).isEqualTo(key.publicKey());
            String record = DkimKeys.dnsRecord(key.publicKey());
            assertThat(DkimKeys.recordMatches(record, loaded.publicKey())).isTrue();
            assertThatThrownBy(() -> DkimKeys.write(key, file)).hasMessageContaining("already exists");
        }
        assertThat(DkimKeys.recordMatches(dns.get("rsa2048._domainkey.example.org").asText(),
                DkimKeys.generateRsa(1024).publicKey())).isFalse();
        assertThat(DkimKeys.recordMatches("v=DKIM1; k=rsa; p=", DkimKeys.generateRsa(1024).publicKey())).isFalse();
    }

    @Test void refusesRsaSizesRfc8301Forbids() {
        assertThatThrownBy(() -> DkimKeys.generateRsa(512)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1024");
    }

    @Test void splitsLongRecordsIntoCharacterStringsOf255Octets() {
        String record = DkimKeys.dnsRecord(DkimKeys.generateRsa(4096).publicKey());
        List<String> strings = DkimKeys.dnsStrings(record);
        assertThat(strings).hasSizeGreaterThan(2).allSatisfy(s -> assertThat(s.length()).isBetween(1, 255));
        assertThat(strings.subList(0, strings.size() - 1)).allSatisfy(s -> assertThat(s).hasSize(255));
        assertThat(String.join("", strings)).isEqualTo(record);
        String ed = DkimKeys.dnsRecord(DkimKeys.generateEd25519().publicKey());
        assertThat(DkimKeys.dnsStrings(ed)).containsExactly(ed);
    }

    @Test void writesAZoneFileEntryLikeOpendkimGenkey() {
        DkimSigningKey key = TestKeys.load(dir, "keys/rsa2048.pem");
        String record = dns.get("rsa2048._domainkey.example.org").asText();
        assertThat(DkimKeys.zoneFileEntry("rsa2048", "example.org", key.publicKey()))
                .isEqualTo("rsa2048._domainkey\tIN\tTXT\t( \"" + record.substring(0, 255) + "\"\n\t\t\t\t  \""
                        + record.substring(255) + "\" )\t; DKIM key rsa2048 for example.org\n");
    }

    @Test void neverPrintsKeyMaterial() {
        assertThat(TestKeys.load(dir, "keys/ed25519.pem").toString())
                .isEqualTo("DkimSigningKey[ed25519-sha256, 256 bits]");
    }
}
