package org.postern.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;

/**
 * Interop with a real peer, opendkim 2.11 (Debian 12 packages {@code opendkim} and {@code opendkim-tools}, which
 * {@code scripts/test} installs): messages {@link DkimSigner} signs verify with opendkim, messages opendkim signs
 * verify with {@link DkimVerifier}, and tampered copies (a changed body byte, a changed signed Subject) fail both
 * ways. Keys: the test keys {@code rsa2048.pem} and {@code ed25519.pem} of {@code ../shared/testdata/dkim/keys},
 * copied to a temporary folder with mode 0600; both sides sign with the same key files.
 *
 * <p>How opendkim runs: one-shot {@code opendkim -x <config> -vv -t <message>} processes (test mode: it feeds the file
 * through its own milter callbacks as if connected from 127.0.0.1, prints the header fields it would insert on
 * stdout as {@code ### INSHEADER: idx=0 hname='…' hvalue='…'}, and exits). Each is waited for with a bounded
 * timeout; nothing stays running. Signing: {@code Mode s} with {@code Domain}, {@code Selector}, {@code KeyFile},
 * {@code SignatureAlgorithm} and {@code Canonicalization}; its DKIM-Signature is put on top of the message as an
 * MTA writes an inserted field ({@code name ": " value}, folds as CRLF). Verifying: {@code Mode v} with
 * {@code AlwaysAddARHeader}; the result is the {@code dkim=} of the Authentication-Results field it inserts.
 *
 * <p>Where opendkim gets the public keys: from the {@link LoopbackDnsServer}, the same server and zone the Postern
 * verifier asks, never the system resolver. The Debian build uses libunbound, and opendkim's {@code Nameservers}
 * option hands each address to {@code ub_ctx_set_fwd}, which accepts unbound's {@code address@port} syntax; so
 * {@code Nameservers 127.0.0.1@<port>} forwards every key query to the loopback server on its free port (no port
 * 53, no root needed for this). opendkim also has file-based alternatives ({@code TestDNSData}, a data set of
 * name → TXT, and {@code TestPublicKeys}); they are not used because they would bypass DNS entirely, while the issue
 * asks for interop "through the loopback DNS server". That opendkim really asked our server is checked after every
 * opendkim verification ({@link LoopbackDnsServer#queriesReceived(String)} grew). The TXT records are the ones
 * {@link DkimKeys#dnsRecord} writes, split by {@link DkimKeys#dnsStrings}, so opendkim also reads Postern's record
 * format (the RSA-2048 one spans two character-strings).
 *
 * <p>{@code RequireSafeKeys false}: opendkim checks not only the key file (0600 here) but every directory on its
 * path, and JUnit's temporary folder lives under the world-writable {@code /tmp}, which it refuses.
 *
 * <p>Peer quirks (testdata README): opendkim 2.11.0~beta2 makes Ed25519 signatures with simple header
 * canonicalization that verify nowhere, not even in opendkim, so opendkim signs Ed25519 with relaxed header
 * canonicalization only (relaxed/relaxed and relaxed/simple, the latter to cover simple body canonicalization);
 * Postern signs Ed25519 with both. opendkim refuses a body without final CRLF; the message has one.
 *
 * <p>Output: one line per case, {@code interop: postern-signs rsa2048 relaxed/relaxed -> opendkim verifies: pass},
 * and a tally after the last case.
 */
class OpendkimInteropIT {

    private static final String DOMAIN = "example.org";
    private static final long OPENDKIM_TIMEOUT_SECONDS = 15;
    private static final List<Path> OPENDKIM_LOCATIONS = List.of(Path.of("/usr/sbin/opendkim"),
            Path.of("/usr/bin/opendkim"), Path.of("/usr/local/sbin/opendkim"));

    private static final String SUBJECT_TEXT = "Invoice 2024-117: payment due 15 January";
    private static final String TAMPERED_SUBJECT_TEXT = "Invoice 2024-171: payment due 15 January";

    /**
     * A small realistic message, CRLF line ends and a final CRLF: a folded To, runs of spaces, a tab, trailing
     * whitespace and UTF-8 in the body, so simple and relaxed canonicalization give different octets.
     */
    private static final byte[] MESSAGE = String.join("\r\n",
            "From: Alice Example <alice@example.org>",
            "To: Bob Example <bob@example.net>,",
            "\tCarol Example <carol@example.net>",
            "Subject: " + SUBJECT_TEXT,
            "Date: Wed, 01 Jan 2025 09:30:00 +0000",
            "Message-ID: <20250101093000.4711@mail.example.org>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Hello Bob,",
            "",
            "please find the figures for invoice 2024-117 below.",
            "  Amount:   1 200,00 EUR",
            "  Due:\t15 January 2025  ",
            "",
            "Gr\u00fc\u00dfe,",
            "Alice",
            "").getBytes(StandardCharsets.UTF_8);

    /** The two test keys, with the selector their records are published at. */
    enum Key {
        RSA2048("rsa2048", "keys/rsa2048.pem", DkimAlgorithm.RSA_SHA256),
        ED25519("ed25519", "keys/ed25519.pem", DkimAlgorithm.ED25519_SHA256);

        final String selector;
        final String file;
        final DkimAlgorithm algorithm;

        Key(String selector, String file, DkimAlgorithm algorithm) {
            this.selector = selector;
            this.file = file;
            this.algorithm = algorithm;
        }

        String dnsName() {
            return selector + "._domainkey." + DOMAIN;
        }

        @Override
        public String toString() {
            return selector;
        }
    }

    /** The changes made to a signed copy; each breaks the signature under either canonicalization. */
    enum Tamper {
        BODY_BYTE("changed body byte"),
        SUBJECT("changed Subject");

        final String description;

        Tamper(String description) {
            this.description = description;
        }

        byte[] apply(byte[] signed) {
            String text = new String(signed, StandardCharsets.ISO_8859_1);
            String changed = switch (this) {
                case BODY_BYTE -> {
                    int body = text.indexOf("\r\n\r\n") + 4;
                    assertThat(text.substring(body)).startsWith("Hello");
                    // "Hello" -> "HeLlo": one octet, not whitespace, so relaxed body canonicalization keeps it.
                    yield text.substring(0, body + 2) + 'L' + text.substring(body + 3);
                }
                case SUBJECT -> {
                    assertThat(text).contains("\r\nSubject: " + SUBJECT_TEXT + "\r\n");
                    yield text.replace("\r\nSubject: " + SUBJECT_TEXT + "\r\n",
                            "\r\nSubject: " + TAMPERED_SUBJECT_TEXT + "\r\n");
                }
            };
            assertThat(changed).isNotEqualTo(text);
            return changed.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    @TempDir static Path dir;
    private static Path opendkim;
    private static LoopbackDnsServer dns;
    private static DnsResolver resolver;
    private static DkimVerifier verifier;
    private static final Map<Key, DkimSigningKey> signingKeys = new ConcurrentHashMap<>();
    private static final Map<Key, Path> keyFiles = new ConcurrentHashMap<>();
    private static final String UNEXPECTED = "   <-- expected ";
    private static final Queue<String> summary = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void start() {
        opendkim = findOpendkim();
        DnsZone.Builder zone = DnsZone.builder();
        for (Key key : Key.values()) {
            keyFiles.put(key, TestKeys.copy(dir, key.file, "rw-------"));
            DkimSigningKey loaded = TestKeys.load(dir, key.file);
            signingKeys.put(key, loaded);
            zone.txt(key.dnsName(), DkimKeys.dnsStrings(DkimKeys.dnsRecord(loaded.publicKey()))
                    .toArray(String[]::new));
        }
        dns = LoopbackDnsServer.start(zone.build());
        resolver = DnsResolver.create(DnsResolverSettings.defaults(List.of(dns.address())));
        // System clock: opendkim writes t= as now.
        verifier = DkimVerifier.create(resolver, DkimVerifierSettings.defaults());
    }

    @AfterAll
    static void stop() {
        try {
            if (resolver != null) {
                resolver.close();
            }
        } finally {
            if (dns != null) {
                dns.close();
            }
        }
        if (!summary.isEmpty()) {
            long unexpected = summary.stream().filter(line -> line.contains(UNEXPECTED)).count();
            System.out.println("interop: opendkim 2.11 <-> Postern: " + summary.size() + " cases, "
                    + (summary.size() - unexpected) + " as expected, " + unexpected + " not");
        }
    }

    /** opendkim's binary; fails (does not skip) when it is missing, since scripts/test installs it. */
    private static Path findOpendkim() {
        for (Path candidate : OPENDKIM_LOCATIONS) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("opendkim is not installed (looked in " + OPENDKIM_LOCATIONS + "): the interop tests "
                + "need the Debian packages opendkim and opendkim-tools; run scripts/test as root, which installs "
                + "them, or: apt-get install opendkim opendkim-tools");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The cases

    static Stream<Arguments> posternSignings() {
        return Stream.of(
                Arguments.of(Key.RSA2048, "simple/simple"),
                Arguments.of(Key.RSA2048, "relaxed/relaxed"),
                Arguments.of(Key.ED25519, "simple/simple"),
                Arguments.of(Key.ED25519, "relaxed/relaxed"));
    }

    /** No Ed25519 with simple header canonicalization: opendkim 2.11 gets its own signature wrong (class javadoc). */
    static Stream<Arguments> opendkimSignings() {
        return Stream.of(
                Arguments.of(Key.RSA2048, "simple/simple"),
                Arguments.of(Key.RSA2048, "relaxed/relaxed"),
                Arguments.of(Key.ED25519, "relaxed/relaxed"),
                Arguments.of(Key.ED25519, "relaxed/simple"));
    }

    static Stream<Arguments> posternSigningsTampered() {
        return withTampers(posternSignings());
    }

    static Stream<Arguments> opendkimSigningsTampered() {
        return withTampers(opendkimSignings());
    }

    private static Stream<Arguments> withTampers(Stream<Arguments> signings) {
        return signings.flatMap(a -> Stream.of(Tamper.values()).map(t -> {
            Object[] args = a.get();
            return Arguments.of(args[0], args[1], t);
        }));
    }

    @ParameterizedTest(name = "postern-signs {0} {1} -> opendkim verifies: pass")
    @MethodSource("posternSignings")
    void posternSignsOpendkimVerifies(Key key, String canon) {
        byte[] signed = posternSign(key, canon);

        String result = opendkimVerify(key, signed);

        report("postern-signs " + key + " " + canon + " -> opendkim verifies: " + result, "pass");
        assertThat(result).as("opendkim's dkim= for a message Postern signed").isEqualTo("pass");
    }

    @ParameterizedTest(name = "opendkim-signs {0} {1} -> postern verifies: pass")
    @MethodSource("opendkimSignings")
    void opendkimSignsPosternVerifies(Key key, String canon) throws Exception {
        byte[] signed = opendkimSign(key, canon);

        DkimResult result = posternVerify(signed);

        report("opendkim-signs " + key + " " + canon + " -> postern verifies: " + result.keyword()
                + reason(result), "pass");
        assertThat(result).as("Postern's result for a message opendkim signed").isInstanceOf(DkimResult.Pass.class);
        assertThat(result.domain()).isEqualTo(DOMAIN);
        assertThat(result.selector()).isEqualTo(key.selector);
        assertThat(((DkimResult.Pass) result).algorithm()).isEqualTo(key.algorithm);
    }

    @ParameterizedTest(name = "postern-signs {0} {1}, {2} -> opendkim verifies: fail")
    @MethodSource("posternSigningsTampered")
    void posternSignedTamperedCopyFailsAtOpendkim(Key key, String canon, Tamper tamper) {
        byte[] signed = posternSign(key, canon);
        assertThat(opendkimVerify(key, signed)).as("untampered copy").isEqualTo("pass");

        String result = opendkimVerify(key, tamper.apply(signed));

        report("postern-signs " + key + " " + canon + ", " + tamper + " -> opendkim verifies: "
                + result, "fail");
        assertThat(result).as("opendkim's dkim= for a tampered copy (" + tamper + ") of a message Postern signed")
                .isEqualTo("fail");
    }

    @ParameterizedTest(name = "opendkim-signs {0} {1}, {2} -> postern verifies: fail")
    @MethodSource("opendkimSigningsTampered")
    void opendkimSignedTamperedCopyFailsAtPostern(Key key, String canon, Tamper tamper) throws Exception {
        byte[] signed = opendkimSign(key, canon);
        assertThat(posternVerify(signed)).as("untampered copy").isInstanceOf(DkimResult.Pass.class);

        DkimResult result = posternVerify(tamper.apply(signed));

        report("opendkim-signs " + key + " " + canon + ", " + tamper + " -> postern verifies: "
                + result.keyword() + reason(result), "fail");
        assertThat(result).as("Postern's result for a tampered copy (" + tamper + ") of a message opendkim signed")
                .isInstanceOf(DkimResult.Fail.class);
        assertThat(result.reason()).isEqualTo(tamper == Tamper.BODY_BYTE
                ? "body hash did not verify" : "signature did not verify");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Postern's side

    private static byte[] posternSign(Key key, String canon) {
        DkimSigner signer = DkimSigner.create(signingKeys.get(key), DOMAIN, key.selector,
                SignOptions.defaults().withCanonicalization(header(canon), body(canon)));
        return TestMessage.parse(MESSAGE).sign(signer, 64).toBytes();
    }

    /** The single result for a message with one DKIM-Signature. */
    private static DkimResult posternVerify(byte[] message) throws Exception {
        List<DkimResult> results = TestMessage.parse(message).verify(verifier, 64);
        assertThat(results).as("one result per signature").hasSize(1);
        return results.get(0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // opendkim's side

    private static final Pattern INSHEADER =
            Pattern.compile("^### INSHEADER: idx=(\\d+) hname='([^']*)' hvalue='([^']*)'$", Pattern.MULTILINE);
    private static final Pattern DKIM_RESULT = Pattern.compile("\\bdkim=([a-z]+)");

    /** Signs {@link #MESSAGE} with opendkim and returns it with opendkim's DKIM-Signature on top. */
    private static byte[] opendkimSign(Key key, String canon) {
        String config = String.join("\n",
                "Mode s",
                "Domain " + DOMAIN,
                "Selector " + key.selector,
                "KeyFile " + keyFiles.get(key).toAbsolutePath(),
                "SignatureAlgorithm " + key.algorithm.tagValue(),
                "Canonicalization " + canon,
                "SignHeaders From,To,Cc,Subject,Date,Message-ID,MIME-Version,Content-Type,Content-Transfer-Encoding",
                "OversignHeaders From,Subject",
                "RequireSafeKeys false",
                "Syslog no",
                "");
        OpendkimRun run = runOpendkim("sign-" + key + "-" + canon.replace('/', '-'), config, MESSAGE);
        List<String[]> inserted = run.insertedFields();
        assertThat(inserted).as("fields opendkim inserted when signing\n%s", run).hasSize(1);
        assertThat(inserted.get(0)[0]).isEqualTo("DKIM-Signature");
        String value = inserted.get(0)[1];
        assertThat(value).as("opendkim's signature").contains("a=" + key.algorithm.tagValue() + ";")
                .contains("c=" + canon + ";").contains("s=" + key.selector + ";");
        // As an MTA writes an inserted field: name, ": ", the value with its folds as CRLF.
        byte[] field = ("DKIM-Signature: " + value.replace("\n", "\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] signed = new byte[field.length + MESSAGE.length];
        System.arraycopy(field, 0, signed, 0, field.length);
        System.arraycopy(MESSAGE, 0, signed, field.length, MESSAGE.length);
        return signed;
    }

    /** opendkim's dkim= result for {@code message} (one signature by {@code key}), keys from the loopback server. */
    private static String opendkimVerify(Key key, byte[] message) {
        String config = String.join("\n",
                "Mode v",
                "Nameservers " + dns.address().getAddress().getHostAddress() + "@" + dns.address().getPort(),
                "DNSTimeout 5",
                "AlwaysAddARHeader yes",
                "AuthservID postern-interop",
                "Syslog no",
                "");
        long queriesBefore = dns.queriesReceived(key.dnsName());
        OpendkimRun run = runOpendkim("verify-" + key, config, message);
        assertThat(dns.queriesReceived(key.dnsName()))
                .as("opendkim asked the loopback DNS server for %s\n%s", key.dnsName(), run)
                .isGreaterThan(queriesBefore);
        Optional<String> ar = run.insertedFields().stream()
                .filter(f -> f[0].equalsIgnoreCase("Authentication-Results")).map(f -> f[1]).findFirst();
        assertThat(ar).as("opendkim's Authentication-Results\n%s", run).isPresent();
        assertThat(ar.get()).as("opendkim's Authentication-Results\n%s", run)
                .contains("header.d=" + DOMAIN).contains("header.s=" + key.selector);
        Matcher m = DKIM_RESULT.matcher(ar.get());
        assertThat(m.find()).as("a dkim= result in opendkim's Authentication-Results\n%s", run).isTrue();
        return m.group(1);
    }

    /** One finished {@code opendkim -t} process: what it printed. */
    private record OpendkimRun(String command, int exitCode, String stdout, String stderr) {

        /** (name, value) of each INSHEADER line, in order; values keep opendkim's LF + TAB folds. */
        List<String[]> insertedFields() {
            List<String[]> fields = new ArrayList<>();
            Matcher m = INSHEADER.matcher(stdout);
            while (m.find()) {
                fields.add(new String[] {m.group(2), m.group(3)});
            }
            return fields;
        }

        @Override
        public String toString() {
            return command + " exited " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    /** Runs {@code opendkim -x <config> -vv -t <message>} once, waits at most {@value #OPENDKIM_TIMEOUT_SECONDS} s. */
    private static OpendkimRun runOpendkim(String name, String config, byte[] message) {
        String prefix = runs.incrementAndGet() + "-" + name;
        Path conf = dir.resolve(prefix + ".conf");
        Path file = dir.resolve(prefix + ".eml");
        Path out = dir.resolve(prefix + ".out");
        Path err = dir.resolve(prefix + ".err");
        List<String> command = List.of(opendkim.toString(), "-x", conf.toString(), "-vv", "-t", file.toString());
        try {
            Files.writeString(conf, config, StandardCharsets.US_ASCII);
            Files.write(file, message);
            Process process = new ProcessBuilder(command)
                    .redirectInput(Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            boolean exited;
            try {
                exited = process.waitFor(OPENDKIM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            OpendkimRun run = new OpendkimRun(String.join(" ", command), exited ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
            assertThat(exited).as("opendkim finished within %d s\n%s", OPENDKIM_TIMEOUT_SECONDS, run).isTrue();
            assertThat(run.exitCode()).as("opendkim's exit code\n%s", run).isZero();
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The header part of a c= value such as {@code "relaxed/simple"}. */
    private static Canonicalization header(String canon) {
        return Canonicalization.valueOf(canon.substring(0, canon.indexOf('/')).toUpperCase(Locale.ROOT));
    }

    /** The body part of a c= value such as {@code "relaxed/simple"}. */
    private static Canonicalization body(String canon) {
        return Canonicalization.valueOf(canon.substring(canon.indexOf('/') + 1).toUpperCase(Locale.ROOT));
    }

    private static String reason(DkimResult result) {
        return result.reason().isEmpty() ? "" : " (" + result.reason() + ")";
    }

    /** Prints the case's line now and keeps it for the summary; {@code expected} is noted when the result differs. */
    private static void report(String line, String expected) {
        String keyword = line.substring(line.lastIndexOf(": ") + 2).split(" ")[0];
        String full = "interop: " + line + (keyword.equals(expected) ? "" : UNEXPECTED + expected);
        summary.add(full);
        System.out.println(full);
    }
}
