package org.postern.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsType;

/**
 * Validated reverse names of the client (RFC 7208 §5.5), for the ptr mechanism and the {@code %{p}} macro (§7.3):
 * the PTR names of the client's address whose forward lookup gives the address back. Only the first 10 PTR names are
 * looked at (§4.6.4: the client, not the publisher, controls them); a DNS error on a forward lookup skips that name.
 */
final class ValidatedNames {

    /** RFC 7208 §7.3: the value of {@code %{p}} when no name validates. */
    static final String UNKNOWN = "unknown";

    private ValidatedNames() {
    }

    /** The PTR lookup of the client's reverse name. */
    static CompletionStage<DnsAnswer> reverseLookup(Evaluation evaluation) {
        return evaluation.lookup(evaluation.client().reverseName(), DnsType.PTR);
    }

    /** The first {@code maxPtrNames} PTR names of the answer, in the order DNS gave them. */
    static List<String> firstNames(Evaluation evaluation, DnsAnswer answer) {
        List<String> names = new ArrayList<>();
        for (DnsRecord record : answer.records()) {
            if (names.size() == evaluation.limits().maxPtrNames()) {
                break;       // RFC 7208 §4.6.4: "all records other than the first 10 MUST be ignored"
            }
            if (record instanceof DnsRecord.Ptr ptr) {
                names.add(ptr.target());
            }
        }
        return names;
    }

    /** The names among {@code names} whose address records include the client, in the same order; in parallel. */
    static CompletionStage<List<String>> validate(Evaluation evaluation, List<String> names) {
        List<CompletableFuture<DnsAnswer>> lookups = new ArrayList<>();
        for (String name : names) {
            lookups.add(evaluation.lookup(name, evaluation.client().addressType()).toCompletableFuture());
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                // RFC 7208 §5.5: "If a DNS error occurs while doing an A RR lookup, then that domain name is
                // skipped and the search continues" (suite ptr-cname-loop): a failure has no records.
                DnsAnswer answer = lookups.get(i).getNow(null);     // complete: allOf has finished
                if (AMechanism.covers(evaluation.client(), answer, DualCidr.FULL)) {
                    valid.add(names.get(i));
                }
            }
            return valid;
        });
    }

    /**
     * RFC 7208 §7.3 {@code %{p}}: a validated name equal to {@code domain}, else one below it, else any validated
     * name, else "unknown". DNS errors give "unknown"; these lookups count against no limit but the name limit.
     */
    static CompletionStage<String> pMacro(Evaluation evaluation, String domain) {
        return reverseLookup(evaluation).thenCompose(answer -> {
            if (answer.records().isEmpty()) {
                return CompletableFuture.completedFuture(UNKNOWN);
            }
            return validate(evaluation, firstNames(evaluation, answer)).thenApply(valid -> choose(valid, domain));
        });
    }

    private static String choose(List<String> valid, String domain) {
        for (String name : valid) {
            if (DomainNames.equalsIgnoreCase(name, domain)) {
                return name;
            }
        }
        for (String name : valid) {
            if (DomainNames.isSameOrSubdomain(name, domain)) {
                return name;
            }
        }
        return valid.isEmpty() ? UNKNOWN : valid.get(0);
    }
}
