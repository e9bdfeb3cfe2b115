package org.postern.daemon.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.postern.config.SpfConfig;
import org.postern.dns.DnsResolver;
import org.postern.milter.SmtpReply;
import org.postern.spf.ReceivedSpf;
import org.postern.spf.SpfEvaluator;
import org.postern.spf.SpfLimits;
import org.postern.spf.SpfQuery;
import org.postern.spf.SpfResult;

/**
 * SPF (RFC 7208) in the pipeline: evaluation starts at MAIL FROM, asynchronously, and is joined at RCPT. The result
 * inserts the symbol of its kind ({@code spf.fail} → SPF_FAIL) as objective evidence, adds {@code spf=} to
 * Authentication-Results (RFC 8601 §2.7.2) and a {@code Received-SPF} header (RFC 7208 §9.1). With
 * {@code spf.reject_fail}, a fail refuses the recipients at RCPT with {@code spf.fail_reply}. A temperror is never
 * objective, so DNS trouble cannot refuse mail. Outgoing mail and mail from loopback clients are not checked.
 */
final class SpfPipelineCheck implements Check {

    private final SpfEvaluator evaluator;
    private final SpfConfig config;
    private final String receivingHost;
    private final RblPipelineCheck.SymbolLookup symbols;

    SpfPipelineCheck(DnsResolver dns, SpfConfig config, String receivingHost, RblPipelineCheck.SymbolLookup symbols) {
        this.evaluator = SpfEvaluator.create(dns, SpfLimits.defaults());
        this.config = config;
        this.receivingHost = receivingHost;
        this.symbols = symbols;
    }

    @Override
    public String name() {
        return "spf";
    }

    @Override
    public Set<String> resultKinds() {
        return Set.of("spf.pass", "spf.fail", "spf.softfail", "spf.neutral", "spf.none", "spf.permerror",
                "spf.temperror");
    }

    @Override
    public boolean appliesToOutgoing() {
        return false;
    }

    @Override
    public CompletionStage<CheckResult> mail(ConnectionFacts connection, Envelope envelope) {
        if (!config.enabled() || envelope.outgoing() || !connection.remoteClient()) {
            return NOTHING;  // loopback: this host's own services (webmail, a content filter), never a forger
        }
        SpfQuery query = new SpfQuery(connection.clientIp().get(), connection.helo(), envelope.sender(),
                receivingHost);
        return evaluator.evaluate(query).thenApply(result -> toResult(result, query));
    }

    private CheckResult toResult(SpfResult result, SpfQuery query) {
        Symbol base = symbols.symbol("spf." + result.keyword(), result.reason());
        boolean objective = !result.keyword().equals("temperror");
        Optional<ActionKind> forced = config.rejectFail() && result.keyword().equals("fail")
                ? Optional.of(ActionKind.REJECT) : Optional.empty();
        Optional<SmtpReply> reply = forced.map(f -> ConfigValues.reply(config.failReply()));
        Symbol symbol = new Symbol(base.name(), base.score(), base.reason(), forced, reply, objective);
        List<ReceivedHeaders.Field> trace = config.receivedSpfHeader()
                ? List.of(new ReceivedHeaders.Field("Received-SPF", " " + ReceivedSpf.header(result, query)))
                : List.of();
        List<AuthenticatedIdentity> identities = result.keyword().equals("pass")
                ? List.of(new AuthenticatedIdentity(AuthenticatedIdentity.Method.SPF, result.domain()))
                : List.of();
        return new CheckResult(List.of(symbol), List.of(ReceivedSpf.authenticationResults(result, query)), trace,
                List.of(), identities);
    }
}
