package org.postern.daemon.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.postern.config.DkimConfig;
import org.postern.config.DkimDomain;
import org.postern.config.DmarcConfig;
import org.postern.dkim.DmarcEvaluator;
import org.postern.dkim.DmarcPolicy;
import org.postern.dkim.DmarcQuery;
import org.postern.dkim.DmarcResult;
import org.postern.milter.SmtpReply;
import org.postern.dkim.DkimKeyException;
import org.postern.dkim.DkimKeys;
import org.postern.dkim.DkimSigner;
import org.postern.dkim.DkimSigning;
import org.postern.dkim.SignOptions;
import org.postern.dkim.DkimResult;
import org.postern.dkim.DkimVerification;
import org.postern.dkim.DkimVerifier;
import org.postern.dkim.DkimVerifierSettings;
import org.postern.dkim.HeaderField;
import org.postern.dns.DnsResolver;

/**
 * DKIM verification in the pipeline: key lookups start at end of headers (when every DKIM-Signature is known), the
 * body is hashed chunk by chunk as Postfix sends it, and at end of message each signature becomes a symbol
 * ({@code dkim.valid}, {@code dkim.invalid}, {@code dkim.temperror}) and a {@code dkim=} entry of
 * Authentication-Results (RFC 8601 §2.7.1); a message without signatures gets {@code dkim.none}. A pass with a
 * testing key ({@code t=y}) counts as unsigned (RFC 6376 §3.6.1). DKIM is subjective evidence here: it scores after
 * DATA and never decides at RCPT. DMARC (RFC 7489) follows the DKIM results, with the domain SPF passed for
 * handed over by the pipeline ({@link AuthenticatedIdentity}), and adds its symbol and {@code dmarc=} entry.
 * Outgoing mail is not verified but signed, when its From: domain is configured ({@code dkim.domains}): the
 * signatures go on top of the message (INSHEADER index 0).
 *
 * <p>Header values reach the verifier exactly as sent: the pipeline negotiates SMFIP_HDR_LEADSPC, so each value
 * keeps its leading whitespace, and folds arrive joined by LF, which the verifier accepts
 * (milter-protocol.md §2).
 */
final class DkimPipelineCheck implements Check {

    private final DkimVerifier verifier;
    private final DkimConfig config;
    private final RblPipelineCheck.SymbolLookup symbols;
    private final DmarcConfig dmarcConfig;
    private final DmarcEvaluator dmarc;
    /** Signing domain (lower case) → its signers: RSA, then Ed25519 when configured. */
    private final Map<String, List<DkimSigner>> signers;

    /**
     * @throws IllegalArgumentException naming the domain and file when a signing key cannot be loaded, or is
     *                                  readable by group or others (with the chmod to run)
     */
    DkimPipelineCheck(DnsResolver dns, DkimConfig config, DmarcConfig dmarc,
                      RblPipelineCheck.SymbolLookup symbols) {
        DkimVerifierSettings d = DkimVerifierSettings.defaults();
        this.verifier = DkimVerifier.create(dns, new DkimVerifierSettings(config.maxSignatures(), d.minRsaBits(),
                d.clockSkew(), d.keyLookupTimeout(), d.clock()));
        this.config = config;
        this.dmarcConfig = dmarc;
        // pct= sampling (RFC 7489 §6.6.4) from the calling thread's generator: the evaluator is shared by sessions.
        this.dmarc = DmarcEvaluator.create(dns, () -> ThreadLocalRandom.current().nextLong());
        this.symbols = symbols;
        Map<String, List<DkimSigner>> byDomain = new HashMap<>();
        for (DkimDomain domain : config.domains()) {
            List<DkimSigner> list = new ArrayList<>();
            list.add(signer(domain.domain(), domain.selector()));
            domain.ed25519Selector().ifPresent(sel -> list.add(signer(domain.domain(), sel)));
            byDomain.put(domain.domain().toLowerCase(Locale.ROOT), List.copyOf(list));
        }
        this.signers = Map.copyOf(byDomain);
    }

    private DkimSigner signer(String domain, String selector) {
        Path file = config.keyDir().resolve(domain).resolve(selector + ".key");
        try {
            return DkimSigner.create(DkimKeys.load(file), domain, selector, SignOptions.defaults());
        } catch (DkimKeyException e) {
            throw new IllegalArgumentException("dkim.domains " + domain + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "dkim";
    }

    @Override
    public Set<String> resultKinds() {
        return Set.of("dkim.valid", "dkim.invalid", "dkim.temperror", "dkim.none", "dmarc.pass", "dmarc.fail_reject",
                "dmarc.fail_quarantine", "dmarc.fail_none", "dmarc.none", "dmarc.temperror", "dmarc.permerror");
    }

    @Override
    public boolean appliesToOutgoing() {
        return false;
    }

    @Override
    public Optional<MessageScan> beginMessage(ConnectionFacts connection, Envelope envelope,
                                              ReceivedHeaders headers) {
        List<HeaderField> fields = new ArrayList<>(headers.fields().size());
        for (ReceivedHeaders.Field f : headers.fields()) {
            fields.add(new HeaderField(f.name(), f.value()));
        }
        if (envelope.outgoing()) {
            return signing(headers, fields);
        }
        if (!config.verify()) {
            return Optional.empty();
        }
        // Loopback clients are this host's own services (webmail, a content filter): SPF skips them, so DMARC
        // would only fail them.
        boolean withDmarc = dmarcConfig.enabled() && connection.remoteClient();
        DkimVerification verification = verifier.begin(fields);
        return Optional.of(new MessageScan() {
            @Override
            public void body(ByteBuffer chunk) {
                verification.body(chunk);
            }

            @Override
            public CompletionStage<CheckResult> finish(List<AuthenticatedIdentity> identities) {
                return verification.finish().thenCompose(results -> {
                    CheckResult dkim = toResult(results);
                    if (!withDmarc) {
                        return CompletableFuture.completedFuture(dkim);
                    }
                    return dmarc.evaluate(dmarcQuery(headers, identities, results))
                            .thenApply(outcome -> withDmarc(dkim, outcome));
                });
            }
        });
    }

    /**
     * Signs outgoing mail whose From: domain is configured (or, with {@code sign_subdomains}, lies below a configured
     * domain): one signature per configured key, RSA and Ed25519, hashed as the body goes by.
     */
    private Optional<MessageScan> signing(ReceivedHeaders headers, List<HeaderField> fields) {
        Optional<List<DkimSigner>> chosen = headers.first("From").map(f -> fromDomain(f.unfoldedValue()))
                .flatMap(this::signersFor);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        List<DkimSigning> signings = new ArrayList<>();
        for (DkimSigner signer : chosen.get()) {
            signings.add(signer.begin(fields));
        }
        return Optional.of(new MessageScan() {
            @Override
            public void body(ByteBuffer chunk) {
                for (DkimSigning s : signings) {
                    s.body(chunk);
                }
            }

            @Override
            public CompletionStage<CheckResult> finish(List<AuthenticatedIdentity> identities) {
                List<ReceivedHeaders.Field> values = new ArrayList<>();
                for (DkimSigning s : signings) {
                    values.add(new ReceivedHeaders.Field("DKIM-Signature", s.finish()));
                }
                return CompletableFuture.completedFuture(CheckResult.signatures(values));
            }
        });
    }

    /** The signers for a From: domain: its own, else (sign_subdomains) the closest configured parent's. */
    private Optional<List<DkimSigner>> signersFor(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        while (!d.isEmpty()) {
            List<DkimSigner> found = signers.get(d);
            if (found != null) {
                return Optional.of(found);
            }
            int dot = d.indexOf('.');
            if (!config.signSubdomains() || dot < 0) {
                return Optional.empty();
            }
            d = d.substring(dot + 1);
        }
        return Optional.empty();
    }

    /** The domain of the first address in a From: value ({@code Name <a@b>} or {@code a@b}); empty if none. */
    static String fromDomain(String from) {
        int open = from.indexOf('<');
        String address = open >= 0 && from.indexOf('>', open) > open ? from.substring(open + 1, from.indexOf('>', open))
                : from.split(",", 2)[0].trim();
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).trim().replaceAll("[>\\s]+$", "");
    }

    /** RFC 7489 §4.2: the From: fields, the domain SPF passed for, the domains of verified signatures. */
    private static DmarcQuery dmarcQuery(ReceivedHeaders headers, List<AuthenticatedIdentity> identities,
                                         List<DkimResult> results) {
        List<String> from = headers.fields().stream().filter(f -> f.name().equalsIgnoreCase("From"))
                .map(ReceivedHeaders.Field::unfoldedValue).toList();
        Optional<String> spf = identities.stream()
                .filter(i -> i.method() == AuthenticatedIdentity.Method.SPF).map(AuthenticatedIdentity::domain)
                .findFirst();
        List<String> dkim = results.stream()
                .filter(r -> r instanceof DkimResult.Pass pass && !pass.testing()).map(DkimResult::domain).toList();
        return new DmarcQuery(from, spf, dkim);
    }

    /**
     * The DKIM result plus DMARC's symbol and {@code dmarc=} entry. A failing domain's reject or quarantine policy
     * only scores unless {@code dmarc.honor_reject} / {@code honor_quarantine} say to act on it.
     */
    private CheckResult withDmarc(CheckResult dkim, DmarcResult outcome) {
        String kind = switch (outcome.keyword()) {
            case "pass" -> "dmarc.pass";
            case "fail" -> switch (outcome.policy()) {
                case REJECT -> "dmarc.fail_reject";
                case QUARANTINE -> "dmarc.fail_quarantine";
                case NONE -> "dmarc.fail_none";
            };
            case "temperror" -> "dmarc.temperror";
            case "permerror" -> "dmarc.permerror";
            default -> "dmarc.none";
        };
        Symbol s = symbols.symbol(kind, outcome.fromDomain().orElse(outcome.reason()));
        Optional<ActionKind> forced = Optional.empty();
        Optional<SmtpReply> reply = Optional.empty();
        if (outcome.keyword().equals("fail") && outcome.policy() == DmarcPolicy.REJECT && dmarcConfig.honorReject()) {
            forced = Optional.of(ActionKind.REJECT);
            reply = Optional.of(ConfigValues.reply(dmarcConfig.rejectReply()));
        } else if (outcome.keyword().equals("fail") && outcome.policy() == DmarcPolicy.QUARANTINE
                && dmarcConfig.honorQuarantine()) {
            forced = Optional.of(ActionKind.QUARANTINE);
        }
        List<Symbol> all = new ArrayList<>(dkim.symbols());
        all.add(new Symbol(s.name(), s.score(), s.reason(), forced, reply, false));
        List<String> auth = new ArrayList<>(dkim.authenticationResults());
        auth.add(outcome.authenticationResults());
        return new CheckResult(all, auth, dkim.traceHeaders());
    }

    private CheckResult toResult(List<DkimResult> results) {
        if (results.isEmpty()) {
            return CheckResult.of(List.of(symbols.symbol("dkim.none", "no_signature")));
        }
        List<Symbol> found = new ArrayList<>();
        List<String> auth = new ArrayList<>();
        for (DkimResult r : results) {
            String reason = r.domain();
            String kind;
            if (r instanceof DkimResult.Pass pass) {
                kind = pass.testing() ? "dkim.none" : "dkim.valid";
                reason = pass.testing() ? r.domain() + ":testing" : r.domain();
            } else if (r.keyword().equals("temperror")) {
                kind = "dkim.temperror";
            } else {
                kind = "dkim.invalid";
            }
            Symbol s = symbols.symbol(kind, reason);
            // Subjective: a valid signature says who sent it, not whether it is spam; never an RCPT verdict.
            found.add(Symbol.scored(s.name(), s.score(), s.reason(), false));
            auth.add(r.authenticationResults());
        }
        return new CheckResult(found, auth, List.of());
    }
}
