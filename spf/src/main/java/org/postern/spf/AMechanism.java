package org.postern.spf;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;

/**
 * RFC 7208 §5.3: matches when the client is within the prefix of an address of the target (A for an IPv4 client,
 * AAAA for IPv6).
 *
 * <pre>
 * A                = "a"      [ ":" domain-spec ] [ dual-cidr-length ]
 * </pre>
 */
final class AMechanism implements Mechanism {

    private final Optional<DomainSpec> target;
    private final DualCidr cidr;

    private AMechanism(Optional<DomainSpec> target, DualCidr cidr) {
        this.target = target;
        this.cidr = cidr;
    }

    static Parsed<Mechanism> parse(String args) {
        return parseTargetAndCidr("a", args).map(t -> new AMechanism(t.target(), t.cidr()));
    }

    /** The optional target and dual-cidr-length shared by "a" and "mx". */
    record TargetAndCidr(Optional<DomainSpec> target, DualCidr cidr) {
    }

    static Parsed<TargetAndCidr> parseTargetAndCidr(String name, String args) {
        return DualCidr.split(args).flatMap(split -> {
            String body = split.body();
            if (body.isEmpty()) {
                return Parsed.ok(new TargetAndCidr(Optional.empty(), split.cidr()));
            }
            if (!body.startsWith(":")) {
                return Parsed.error("bad argument to " + name + ": " + name + MacroString.printable(args));
            }
            return DomainSpec.parse(body.substring(1)).map(spec -> new TargetAndCidr(Optional.of(spec), split.cidr()));
        });
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
        return name.thenCompose(n -> {
            if (n.isEmpty()) {
                return Match.now(Match.NO);     // RFC 7208 §4.8: not a domain name, so it has no addresses
            }
            ClientAddress client = evaluation.client();
            return evaluation.lookup(n.get(), client.addressType())
                    .thenApply(answer -> addressMatch(evaluation, answer, cidr, "a:" + n.get()));
        });
    }

    /**
     * RFC 7208 §5.3/§5.4: a DNS error is temperror, no address is a void lookup (§4.6.4), else whether one of the
     * addresses covers the client.
     */
    static Match addressMatch(Evaluation evaluation, DnsAnswer answer, DualCidr cidr, String what) {
        if (answer.isFailure()) {
            return Match.tempError(Evaluation.dnsError(what, answer));
        }
        if (answer.records().isEmpty()) {
            return evaluation.countVoidLookup() ? Match.NO : Match.permError(evaluation.voidLimitReason(what));
        }
        return covers(evaluation.client(), answer, cidr) ? Match.YES : Match.NO;
    }

    /** Whether one of the answer's addresses, widened to the prefix for the client's family, holds the client. */
    static boolean covers(ClientAddress client, DnsAnswer answer, DualCidr cidr) {
        int prefix = cidr.forFamily(client.isIpv6());
        for (DnsRecord record : answer.records()) {
            InetAddress address = record instanceof DnsRecord.A a ? a.address()
                    : record instanceof DnsRecord.Aaaa aaaa ? aaaa.address() : null;
            if (address != null && client.isWithin(address, prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "a" + target.map(t -> ":" + t).orElse("") + cidr.text();
    }
}
