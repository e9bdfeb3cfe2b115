package org.postern.daemon.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.postern.config.DkimConfig;
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
 * DATA and never decides at RCPT. Outgoing mail is not verified.
 *
 * <p>Header values reach the verifier exactly as sent: the pipeline negotiates SMFIP_HDR_LEADSPC, so each value
 * keeps its leading whitespace, and folds arrive joined by LF, which the verifier accepts
 * (milter-protocol.md §2).
 */
final class DkimPipelineCheck implements Check {

    private final DkimVerifier verifier;
    private final DkimConfig config;
    private final RblPipelineCheck.SymbolLookup symbols;

    DkimPipelineCheck(DnsResolver dns, DkimConfig config, RblPipelineCheck.SymbolLookup symbols) {
        DkimVerifierSettings d = DkimVerifierSettings.defaults();
        this.verifier = DkimVerifier.create(dns, new DkimVerifierSettings(config.maxSignatures(), d.minRsaBits(),
                d.clockSkew(), d.keyLookupTimeout(), d.clock()));
        this.config = config;
        this.symbols = symbols;
    }

    @Override
    public String name() {
        return "dkim";
    }

    @Override
    public Set<String> resultKinds() {
        return Set.of("dkim.valid", "dkim.invalid", "dkim.temperror", "dkim.none");
    }

    @Override
    public boolean appliesToOutgoing() {
        return false;
    }

    @Override
    public Optional<MessageScan> beginMessage(ConnectionFacts connection, Envelope envelope,
                                              ReceivedHeaders headers) {
        if (!config.verify() || envelope.outgoing()) {
            return Optional.empty();
        }
        List<HeaderField> fields = new ArrayList<>(headers.fields().size());
        for (ReceivedHeaders.Field f : headers.fields()) {
            fields.add(new HeaderField(f.name(), f.value()));
        }
        DkimVerification verification = verifier.begin(fields);
        return Optional.of(new MessageScan() {
            @Override
            public void body(ByteBuffer chunk) {
                verification.body(chunk);
            }

            @Override
            public CompletionStage<CheckResult> finish() {
                return verification.finish().thenApply(DkimPipelineCheck.this::toResult);
            }
        });
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
