package org.postern.spf;

import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsType;

/**
 * RFC 7208 §5.7: matches when the target has an A record, whatever the client's address family.
 *
 * <pre>
 * exists           = "exists"   ":" domain-spec
 * </pre>
 */
final class ExistsMechanism implements Mechanism {

    private final DomainSpec target;

    private ExistsMechanism(DomainSpec target) {
        this.target = target;
    }

    static Parsed<Mechanism> parse(String args) {
        if (!args.startsWith(":")) {
            return Parsed.error("exists needs \":\" domain-spec: exists" + MacroString.printable(args));
        }
        return DomainSpec.parse(args.substring(1)).map(ExistsMechanism::new);
    }

    @Override
    public boolean queriesDns() {
        return true;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        return target.target(evaluation, domain).thenCompose(name -> {
            if (name.isEmpty()) {
                return Match.now(Match.NO);
            }
            String what = "exists:" + name.get();
            // RFC 7208 §5.7: "The lookup type is A even when the connection type is IP version 6."
            return evaluation.lookup(name.get(), DnsType.A).thenApply(answer -> {
                if (answer.isFailure()) {
                    return Match.tempError(Evaluation.dnsError(what, answer));
                }
                if (answer.records().isEmpty()) {
                    return evaluation.countVoidLookup() ? Match.NO : Match.permError(evaluation.voidLimitReason(what));
                }
                return Match.YES;
            });
        });
    }

    @Override
    public String toString() {
        return "exists:" + target;
    }
}
