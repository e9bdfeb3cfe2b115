package org.postern.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsType;

/**
 * check_host() (RFC 7208 §4): initial processing, record lookup and selection, then the directives in order and the
 * redirect. Include and redirect call it again with the same {@link Evaluation}, so the limits span the whole tree.
 *
 * <p>Continuation style, after jSPF's {@code DNSLookupContinuation} but with futures: every step that needs DNS
 * returns a stage, and the next step runs when its answer arrives. Mechanisms that need no DNS (ip4, ip6, all) and
 * answers served from the cache complete at once; the directive loop then carries on in the same frame instead of
 * nesting a callback per term, so a record of many ip4 terms does not grow the stack.
 */
final class HostCheck {

    private HostCheck() {
    }

    /** check_host() at {@code domain}. Never completes exceptionally. */
    static CompletionStage<Verdict> run(Evaluation evaluation, String domain) {
        String name = DomainNames.withoutTrailingDot(domain);
        // RFC 7208 §4.3: a malformed or single-label domain gives "none" without a query.
        if (!DomainNames.isCheckable(name)) {
            return done(Verdict.none("\"" + MacroString.printable(domain) + "\" is not a usable domain name"));
        }
        return evaluation.lookup(name, DnsType.TXT).thenCompose(answer -> select(evaluation, name, answer));
    }

    /** RFC 7208 §4.4 record lookup and §4.5 selection. */
    private static CompletionStage<Verdict> select(Evaluation evaluation, String domain, DnsAnswer answer) {
        if (answer.isFailure()) {
            // RFC 7208 §4.4: "If the DNS lookup returns a server failure (RCODE 2) or some other error (RCODE other
            // than 0 or 3), or if the lookup times out, then check_host() terminates immediately with the result
            // "temperror"."
            return done(Verdict.tempError(Evaluation.dnsError("TXT " + domain, answer)));
        }
        List<String> records = new ArrayList<>();
        for (DnsRecord record : answer.records()) {
            if (record instanceof DnsRecord.Txt txt && SpfRecord.hasVersion(txt.joined())) {
                records.add(txt.joined());     // RFC 7208 §3.3: strings joined without separator
            }
        }
        if (records.isEmpty()) {
            return done(Verdict.none("no SPF record at " + domain));     // RFC 7208 §4.5
        }
        if (records.size() > 1) {
            return done(Verdict.permError(records.size() + " SPF records at " + domain));     // RFC 7208 §4.5
        }
        Parsed<SpfRecord> record = evaluation.parseRecord(records.get(0));
        if (!record.isOk()) {
            return done(Verdict.permError("syntax error in SPF record of " + domain + ": " + record.error()));
        }
        return evaluate(evaluation, domain, record.value(), 0);
    }

    /** RFC 7208 §4.6.2: directives left to right from {@code from}; the first match decides. */
    private static CompletionStage<Verdict> evaluate(Evaluation evaluation, String domain, SpfRecord record, int from) {
        List<Directive> directives = record.directives();
        for (int i = from; i < directives.size(); i++) {
            Directive directive = directives.get(i);
            // RFC 7208 §4.6.4: counted when evaluated, so terms after a match never count (suite mech-at-limit).
            if (directive.mechanism().queriesDns() && !evaluation.countDnsTerm()) {
                return done(Verdict.permError(evaluation.termLimitReason(directive.text())));
            }
            CompletableFuture<Match> match = directive.mechanism().match(evaluation, domain).toCompletableFuture();
            Match now = match.getNow(null);     // never blocks: null while the stage is still waiting for DNS
            if (now == null) {
                int next = i + 1;
                return match.thenCompose(m -> m.kind() == Match.Kind.NO_MATCH
                        ? evaluate(evaluation, domain, record, next)
                        : done(decide(directive, m, record, domain)));
            }
            if (now.kind() != Match.Kind.NO_MATCH) {
                return done(decide(directive, now, record, domain));
            }
        }
        if (record.redirect().isPresent()) {
            return record.redirect().get().follow(evaluation, domain);     // RFC 7208 §6.1
        }
        return done(Verdict.of(Verdict.Kind.NEUTRAL, ""));     // RFC 7208 §4.7: no match, no redirect: neutral
    }

    /** The verdict of a directive that matched or raised an error. */
    private static Verdict decide(Directive directive, Match match, SpfRecord record, String domain) {
        return switch (match.kind()) {
            case MATCH -> {
                Verdict.Kind kind = directive.qualifier().result();
                // RFC 7208 §6.2: the explanation of this record applies only when this record's directive fails.
                Optional<Verdict.Explain> explain = kind == Verdict.Kind.FAIL
                        ? record.explanation().map(exp -> new Verdict.Explain(exp, domain))
                        : Optional.empty();
                yield new Verdict(kind, directive.text(), explain);
            }
            case TEMPERROR -> Verdict.tempError(match.reason());
            case PERMERROR -> Verdict.permError(match.reason());
            case NO_MATCH -> throw new IllegalStateException("no match is not a decision");
        };
    }

    private static CompletionStage<Verdict> done(Verdict verdict) {
        return CompletableFuture.completedFuture(verdict);
    }
}
