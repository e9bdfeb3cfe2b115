package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dkim.DkimKeys;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;
import picocli.CommandLine;

class DkimCommandTest {

    private static final String MESSAGE = "From: Alice <alice@example.test>\nTo: bob@example.net\n"
            + "Subject: DKIM from the command line\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
            + "Message-ID: <cli-1@example.test>\n\nHello,  world.\n\n";

    @TempDir
    Path dir;

    @Test
    void keygenWritesAPrivateKeyAndTheRecordToPublish() throws Exception {
        Run run = run(null, "dkim", "keygen", "--domain", "example.test", "--selector", "s1", "--key-dir",
                dir.toString(), "--config", "/dev/null");
        assertThat(run.code).isZero();
        Path key = dir.resolve("example.test/s1.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String txt = Files.readString(dir.resolve("example.test/s1.txt"));
        assertThat(txt).startsWith("s1._domainkey\tIN\tTXT\t( \"v=DKIM1; k=rsa; p=");
        assertThat(run.out).contains(key.toString()).contains("v=DKIM1");
        Run again = run(null, "dkim", "keygen", "--domain", "example.test", "--selector", "s1", "--key-dir",
                dir.toString(), "--config", "/dev/null");
        assertThat(again.code).as("never overwrites a key").isEqualTo(1);
    }

    @Test
    void signedOnTheCommandLineVerifiesOnTheCommandLine() throws Exception {
        for (String type : new String[] {"rsa", "ed25519"}) {
            String selector = "sel-" + type;
            assertThat(run(null, "dkim", "keygen", "--domain", "example.test", "--selector", selector, "--type", type,
                    "--key-dir", dir.toString(), "--config", "/dev/null").code).isZero();
            Path key = dir.resolve("example.test/" + selector + ".key");
            String record = DkimKeys.dnsRecord(DkimKeys.load(key).publicKey());
            try (LoopbackDnsServer dns = LoopbackDnsServer.start(DnsZone.builder()
                    .txt(selector + "._domainkey.example.test", DkimKeys.dnsStrings(record).toArray(String[]::new))
                    .build())) {
                Run signed = run(MESSAGE.getBytes(ISO_8859_1), "dkim", "sign", "--domain", "example.test",
                        "--selector", selector, "--key", key.toString(), "--config", "/dev/null");
                assertThat(signed.code).isZero();
                assertThat(signed.out).startsWith("DKIM-Signature: v=1;").contains("\r\n\r\nHello,  world.");
                String server = "127.0.0.1:" + dns.address().getPort();

                Run verified = run(signed.out.getBytes(ISO_8859_1), "dkim", "verify", "--dns", server, "--config",
                        "/dev/null");
                assertThat(verified.out.strip()).startsWith("dkim=pass").contains("header.d=example.test")
                        .contains("header.s=" + selector);

                String tampered = signed.out.replace("Hello,  world.", "Hello,  world!");
                Run failed = run(tampered.getBytes(ISO_8859_1), "dkim", "verify", "--dns", server, "--config",
                        "/dev/null");
                assertThat(failed.out.strip()).startsWith("dkim=fail");
            }
        }
    }

    @Test
    void checkDnsSaysForEachSelectorWhetherItsRecordMatchesItsKey() throws Exception {
        Path config = dir.resolve("postern.yml");
        Files.writeString(config, "dkim:\n  key_dir: " + dir + "\n  domains:\n"
                + "    - {domain: example.test, selector: s1, ed25519_selector: e1, selector_next: s2}\n");
        for (String[] k : new String[][] {{"s1", "rsa"}, {"e1", "ed25519"}, {"s2", "rsa"}}) {
            assertThat(run(null, "dkim", "keygen", "--domain", "example.test", "--selector", k[0], "--type", k[1],
                    "--config", config.toString()).code).isZero();
        }
        String s1 = record("s1");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(DnsZone.builder()
                .txt("s1._domainkey.example.test", DkimKeys.dnsStrings(s1).toArray(String[]::new))
                .txt("e1._domainkey.example.test", DkimKeys.dnsStrings(s1).toArray(String[]::new))  // wrong key
                .build())) {
            Run check = run(null, "dkim", "check-dns", "--domain", "example.test", "--config", config.toString(),
                    "--dns", "127.0.0.1:" + dns.address().getPort());
            assertThat(check.code).isEqualTo(1);
            assertThat(check.out).contains("s1._domainkey.example.test: OK")
                    .contains("e1._domainkey.example.test: MISMATCH")
                    .contains("s2._domainkey.example.test: NOT PUBLISHED");
        }
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(DnsZone.builder()
                .txt("s1._domainkey.example.test", DkimKeys.dnsStrings(s1).toArray(String[]::new))
                .txt("e1._domainkey.example.test", DkimKeys.dnsStrings(record("e1")).toArray(String[]::new))
                .txt("s2._domainkey.example.test", DkimKeys.dnsStrings(record("s2")).toArray(String[]::new))
                .build())) {
            Run check = run(null, "dkim", "check-dns", "--domain", "example.test", "--config", config.toString(),
                    "--dns", "127.0.0.1:" + dns.address().getPort());
            assertThat(check.code).as(check.out).isZero();
        }
        assertThat(run(null, "dkim", "check-dns", "--domain", "other.test", "--config", config.toString()).err)
                .contains("other.test is not in dkim.domains");
    }

    private String record(String selector) throws Exception {
        return DkimKeys.dnsRecord(DkimKeys.load(dir.resolve("example.test").resolve(selector + ".key")).publicKey());
    }

    @Test
    void anUnsignedMessageSaysSoAndBadOptionsAreUsageErrors() {
        Run none = run(MESSAGE.getBytes(ISO_8859_1), "dkim", "verify", "--dns", "127.0.0.1:9", "--config",
                "/dev/null");
        assertThat(none.out.strip()).isEqualTo("dkim=none (no signature)");
        assertThat(run(null, "dkim", "keygen", "--domain", "example.test", "--selector", "x", "--type", "dsa",
                "--key-dir", dir.toString(), "--config", "/dev/null").code).isEqualTo(2);
        assertThat(run(null, "dkim", "keygen", "--domain", "example.test", "--selector", "x", "--bits", "512",
                "--key-dir", dir.toString(), "--config", "/dev/null").code).isEqualTo(2);
    }

    private record Run(int code, String out, String err) {}

    /** Runs the CLI with {@code stdin}; collects what it prints (commands that write bytes use System.out). */
    private static Run run(byte[] stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin));
            System.setOut(new PrintStream(bytes, true, ISO_8859_1));
            CommandLine cl = PosternCommand.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute(args);
            return new Run(code, out + bytes.toString(ISO_8859_1), err.toString());
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }
    }
}
