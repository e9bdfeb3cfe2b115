package org.postern.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsAnswer;

/**
 * RFC 7208 §5.5 (use discouraged): matches when a validated reverse name of the client is the target or below it.
 * Only names that end in the target are validated; that gives the same answer with fewer lookups.
 *
 * <pre>
 * PTR              = "ptr"    [ ":" domain-spec ]
 * </pre>
 */
final class PtrMechanism implements Mechanism {

    private final Optional<DomainSpec> target;

    private PtrMechanism(Optional<DomainSpec> target) {
        this.target = target;
    }

    static Parsed<Mechanism> parse(String args) {
        if (args.isEmpty()) {
            return Parsed.ok(new PtrMechanism(Optional.empty()));
        }
        if (!args.startsWith(":")) {
            return Parsed.error("bad argument to ptr (no CIDR allowed): ptr" + MacroString.printable(args));
        }
        return DomainSpec.parse(args.substring(1)).map(spec -> new PtrMechanism(Optional.of(spec)));
    }

    @Override
    public boolean queriesDns() {
        return true;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        CompletionStage<Optional<String>> name = target.isPresent()
                ? target.get().target(evaluation, domain)
                : CompletableFuture.completedFuture(Optional.of(domain));
        return name.thenCompose(n -> n.isEmpty()
                ? Match.now(Match.NO)
                : ValidatedNames.reverseLookup(evaluation).thenCompose(answer -> matchNames(evaluation, n.get(), answer)));
    }

    private static CompletionStage<Match> matchNames(Evaluation evaluation, String target, DnsAnswer answer) {
        if (answer.isFailure()) {
            return Match.now(Match.NO);    // RFC 7208 §5.5: a DNS error on the PTR lookup: no match
        }
        if (answer.records().isEmpty()) {
            return Match.now(evaluation.countVoidLookup()
                    ? Match.NO : Match.permError(evaluation.voidLimitReason("ptr:" + target)));
        }
        List<String> candidates = new ArrayList<>();
        for (String name : ValidatedNames.firstNames(evaluation, answer)) {
            if (DomainNames.isSameOrSubdomain(name, target)) {
                candidates.add(name);
            }
        }
        return ValidatedNames.validate(evaluation, candidates).thenApply(valid -> valid.isEmpty() ? Match.NO : Match.YES);
    }

    @Override
    public String toString() {
        return "ptr" + target.map(t -> ":" + t).orElse("");
    }
}
