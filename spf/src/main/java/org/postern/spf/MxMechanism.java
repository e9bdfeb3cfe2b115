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
 * RFC 7208 §5.4: matches when the client is within the prefix of an address of one of the target's mail exchangers.
 * The address lookups of the exchangers run in parallel.
 *
 * <pre>
 * MX               = "mx"     [ ":" domain-spec ] [ dual-cidr-length ]
 * </pre>
 */
final class MxMechanism implements Mechanism {

    private final Optional<DomainSpec> target;
    private final DualCidr cidr;

    private MxMechanism(Optional<DomainSpec> target, DualCidr cidr) {
        this.target = target;
        this.cidr = cidr;
    }

    static Parsed<Mechanism> parse(String args) {
        return AMechanism.parseTargetAndCidr("mx", args).map(t -> new MxMechanism(t.target(), t.cidr()));
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
                : evaluation.lookup(n.get(), DnsType.MX).thenCompose(answer -> exchanges(evaluation, n.get(), answer)));
    }

    private CompletionStage<Match> exchanges(Evaluation evaluation, String name, DnsAnswer answer) {
        if (answer.isFailure()) {
            return Match.now(Match.tempError(Evaluation.dnsError("mx:" + name, answer)));
        }
        if (answer.records().isEmpty()) {
            // RFC 7208 §5.4: no MX means no match; never fall back to the target's own A record (suite mx-implicit).
            return Match.now(evaluation.countVoidLookup()
                    ? Match.NO : Match.permError(evaluation.voidLimitReason("mx:" + name)));
        }
        // RFC 7208 §4.6.4: more than 10 MX records is a permerror (the publisher controls them).
        int limit = evaluation.limits().maxMxNames();
        if (answer.records().size() > limit) {
            return Match.now(Match.permError("mx:" + name + " has " + answer.records().size()
                    + " MX records, more than " + limit));
        }
        List<CompletableFuture<DnsAnswer>> lookups = new ArrayList<>();
        for (DnsRecord record : answer.records()) {
            if (record instanceof DnsRecord.Mx mx && DomainNames.queryName(mx.exchange()).isPresent()) {
                // A null MX (RFC 7505, exchange ".") has no addresses and is skipped (suite mx-empty).
                lookups.add(evaluation.lookup(mx.exchange(), evaluation.client().addressType()).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Match result = Match.NO;
            for (CompletableFuture<DnsAnswer> lookup : lookups) {
                DnsAnswer addresses = lookup.getNow(null);     // complete: allOf has finished
                if (AMechanism.covers(evaluation.client(), addresses, cidr)) {
                    return Match.YES;
                }
                if (addresses.isFailure() && result == Match.NO) {
                    result = Match.tempError(Evaluation.dnsError("an exchange of mx:" + name, addresses));
                }
            }
            return result;
        });
    }

    @Override
    public String toString() {
        return "mx" + target.map(t -> ":" + t).orElse("") + cidr.text();
    }
}
