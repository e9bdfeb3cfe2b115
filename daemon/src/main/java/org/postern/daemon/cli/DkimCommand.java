package org.postern.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.postern.config.DkimDomain;
import org.postern.config.PosternConfig;
import org.postern.dkim.Canonicalization;
import org.postern.dkim.DkimKeyException;
import org.postern.dkim.DkimKeys;
import org.postern.dkim.DkimResult;
import org.postern.dkim.DkimSigner;
import org.postern.dkim.DkimSigning;
import org.postern.dkim.DkimSigningKey;
import org.postern.dkim.DkimVerification;
import org.postern.dkim.DkimVerifier;
import org.postern.dkim.DkimVerifierSettings;
import org.postern.dkim.RawMessage;
import org.postern.dkim.SignOptions;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code postern dkim}: what admins do today with opendkim-genkey and rspamadm dkim_keygen, and with opendkim's test
 * mode: make a key with its DNS record, sign a message, verify one.
 */
@Command(name = "dkim", description = "DKIM keys, signing and verification.",
        subcommands = {DkimCommand.Keygen.class, DkimCommand.CheckDns.class, DkimCommand.Sign.class,
                DkimCommand.Verify.class})
final class DkimCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: keygen, sign or verify");
    }

    /** {@code postern dkim keygen}: KEY_DIR/DOMAIN/SELECTOR.key (0600) and SELECTOR.txt, the record to publish. */
    @Command(name = "keygen", description = "Generate a signing key: writes KEY_DIR/DOMAIN/SELECTOR.key (mode 0600)"
            + " and SELECTOR.txt, the DNS TXT record to publish, split into 255-byte strings.")
    static final class Keygen implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN") String domain;
        @Option(names = "--selector", required = true, paramLabel = "SELECTOR") String selector;
        @Option(names = "--type", paramLabel = "rsa|ed25519", defaultValue = "rsa",
                description = "Key type (default rsa). Ed25519 (RFC 8463) is best sent alongside an RSA signature.")
        String type;
        @Option(names = "--bits", paramLabel = "BITS", defaultValue = "2048",
                description = "RSA key size, 1024..4096 (default 2048; RFC 8301 forbids less than 1024).")
        int bits;
        @Option(names = "--key-dir", paramLabel = "DIR", description = "Overrides dkim.key_dir.")
        Path keyDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws DkimKeyException, IOException {
            DkimSigningKey key = switch (type) {
                case "rsa" -> {
                    if (bits < 1024 || bits > 4096) {
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "--bits must be between 1024 and 4096, not " + bits);
                    }
                    yield DkimKeys.generateRsa(bits);
                }
                case "ed25519" -> DkimKeys.generateEd25519();
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--type must be rsa or ed25519, not '" + type + "'");
            };
            Path dir = (keyDir != null ? keyDir : common.load().dkim().keyDir()).resolve(domain);
            Path keyFile = dir.resolve(selector + ".key");
            Path txtFile = dir.resolve(selector + ".txt");
            String record;
            try {
                record = DkimKeys.zoneFileEntry(selector, domain, key.publicKey());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--domain and --selector must be DNS"
                        + " names: " + e.getMessage());
            }
            Files.createDirectories(dir);
            DkimKeys.write(key, keyFile);   // 0600; refuses to overwrite an existing key
            Files.writeString(txtFile, record);
            var out = spec.commandLine().getOut();
            out.println("key:    " + keyFile);
            out.println("record: " + txtFile + " (publish it in the zone of " + domain + "):");
            out.print(record);
            out.flush();
            return 0;
        }
    }

    /**
     * {@code postern dkim check-dns}: for a configured domain, whether the records published for its selectors
     * ({@code selector}, {@code ed25519_selector}, {@code selector_next}) carry the keys in the key directory, as
     * opendkim-testkey does. Exit 0 when every one matches, 1 otherwise.
     */
    @Command(name = "check-dns", description = "Check that the DNS records of a signing domain's selectors"
            + " (selector, ed25519_selector, selector_next) match their key files.")
    static final class CheckDns implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN") String domain;
        @Mixin
        DnsServerOption dns;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PosternConfig config = common.load();
            DkimDomain configured = config.dkim().domains().stream()
                    .filter(d -> d.domain().equalsIgnoreCase(domain)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), domain
                            + " is not in dkim.domains of " + common.describeSource()));
            List<String> selectors = new java.util.ArrayList<>();
            selectors.add(configured.selector());
            configured.ed25519Selector().ifPresent(selectors::add);
            configured.selectorNext().ifPresent(selectors::add);
            var out = spec.commandLine().getOut();
            boolean allMatch = true;
            try (DnsResolver resolver = dns.resolver(config, spec)) {
                for (String selector : selectors) {
                    String verdict = check(resolver, config.dkim().keyDir(), configured.domain(), selector);
                    allMatch &= verdict.startsWith("OK");
                    out.println(selector + "._domainkey." + configured.domain() + ": " + verdict);
                }
            }
            out.flush();
            return allMatch ? 0 : 1;
        }

        private static String check(DnsResolver dns, Path keyDir, String domain, String selector) {
            Path file = keyDir.resolve(domain).resolve(selector + ".key");
            DkimSigningKey key;
            try {
                key = DkimKeys.load(file);
            } catch (DkimKeyException e) {
                return "NO KEY: " + e.getMessage();
            }
            DnsAnswer answer = dns.lookup(selector + "._domainkey." + domain, DnsType.TXT).toCompletableFuture()
                    .orTimeout(60, TimeUnit.SECONDS).join();
            if (answer.isFailure()) {
                return "LOOKUP FAILED: " + answer;
            }
            List<String> records = answer.records().stream().filter(r -> r instanceof DnsRecord.Txt)
                    .map(r -> ((DnsRecord.Txt) r).joined()).toList();
            if (records.isEmpty()) {
                return "NOT PUBLISHED: no TXT record; publish " + file.getFileName().toString()
                        .replace(".key", ".txt") + " from the key directory";
            }
            for (String record : records) {
                if (DkimKeys.recordMatches(record, key.publicKey())) {
                    return "OK: the published record matches " + file;
                }
            }
            return "MISMATCH: the published record does not carry the key in " + file;
        }
    }

    /** {@code postern dkim sign}: the message from stdin, signed, on stdout. */
    @Command(name = "sign", description = "Sign the message on standard input and print it with its DKIM-Signature.")
    static final class Sign implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN") String domain;
        @Option(names = "--selector", required = true, paramLabel = "SELECTOR") String selector;
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key (mode 0600).")
        Path key;
        @Option(names = "--canon", paramLabel = "HEADER/BODY", defaultValue = "relaxed/relaxed",
                description = "Canonicalization, simple or relaxed for each (default relaxed/relaxed).")
        String canon;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws DkimKeyException, IOException {
            String[] parts = canon.split("/", -1);
            if (parts.length != 2) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--canon must be HEADER/BODY such as relaxed/relaxed, not '" + canon + "'");
            }
            SignOptions d = SignOptions.defaults();
            SignOptions options = new SignOptions(canonicalization(parts[0]), canonicalization(parts[1]),
                    d.signedHeaders(), d.oversignedHeaders(), d.identity(), d.timestamp(), d.expireAfter(), d.clock());
            RawMessage message = RawMessage.parse(readAll(System.in));
            DkimSigning signing = DkimSigner.create(DkimKeys.load(key), domain, selector, options)
                    .begin(message.headers());
            signing.body(message.body());
            String value = signing.finish();
            System.out.write(message.withFieldOnTop("DKIM-Signature:" + value.replace("\n", "\r\n")));
            System.out.flush();
            return 0;
        }

        private Canonicalization canonicalization(String name) {
            return switch (name) {
                case "simple" -> Canonicalization.SIMPLE;
                case "relaxed" -> Canonicalization.RELAXED;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--canon takes simple or relaxed on each side of the /, not '" + name + "'");
            };
        }
    }

    /** {@code postern dkim verify}: one Authentication-Results style line per signature of the message on stdin. */
    @Command(name = "verify", description = "Verify the DKIM signatures of the message on standard input: one line"
            + " per signature, dkim=pass|fail|neutral|temperror|permerror|policy header.d=... header.s=...")
    static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        DnsServerOption dns;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PosternConfig config = common.load();
            RawMessage message = RawMessage.parse(readAll(System.in));
            try (DnsResolver resolver = dns.resolver(config, spec)) {
                DkimVerification verification = DkimVerifier.create(resolver, DkimVerifierSettings.defaults())
                        .begin(message.headers());
                verification.body(message.body());
                List<DkimResult> results = verification.finish().toCompletableFuture()
                        .orTimeout(60, TimeUnit.SECONDS).join();
                var out = spec.commandLine().getOut();
                if (results.isEmpty()) {
                    out.println("dkim=none (no signature)");
                }
                for (DkimResult r : results) {
                    out.println(r.authenticationResults());
                }
                out.flush();
            }
            return 0;
        }

    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the message from standard input: " + e.getMessage(), e);
        }
    }
}
