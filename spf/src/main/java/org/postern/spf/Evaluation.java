package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsType;

/**
 * The state of one SPF evaluation: the inputs of check_host() that stay fixed across include and redirect (RFC 7208
 * §4.1), the counters of the processing limits (§4.6.4), and the way to DNS.
 *
 * <p>Threads: the evaluation is a chain of stages, and a stage that counts (a term, a void lookup) runs only after
 * the previous one completed, so the counters need no lock: completing a future happens-before its dependants run.
 * Parallel fan-outs (the exchanges of mx, the names of ptr) only read. {@link #abandon} may come from any thread.
 */
final class Evaluation {

    private final DnsResolver dns;
    private final SpfLimits limits;
    private final Clock clock;
    private final Function<String, Parsed<SpfRecord>> parser;
    private final ClientAddress client;
    private final String sender;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private final String receiver;

    private int dnsTerms;
    private int voidLookups;
    private volatile boolean abandoned;

    /**
     * @param parser       parses (and caches) record text
     * @param localPart    the sender's local-part, "postmaster" when it has none (RFC 7208 §4.3)
     * @param senderDomain the sender's domain ({@code %{o}})
     */
    Evaluation(DnsResolver dns, SpfLimits limits, Clock clock, Function<String, Parsed<SpfRecord>> parser,
               SpfQuery query, String localPart, String senderDomain) {
        this.dns = requireNonNull(dns, "dns");
        this.limits = requireNonNull(limits, "limits");
        this.clock = requireNonNull(clock, "clock");
        this.parser = requireNonNull(parser, "parser");
        this.client = ClientAddress.of(query.clientIp());
        this.localPart = requireNonNull(localPart, "localPart");
        this.senderDomain = requireNonNull(senderDomain, "senderDomain");
        this.sender = localPart + "@" + senderDomain;
        this.helo = query.helo();
        this.receiver = query.receivingHost().isEmpty() ? "unknown" : query.receivingHost();
    }

    ClientAddress client() {
        return client;
    }

    SpfLimits limits() {
        return limits;
    }

    Parsed<SpfRecord> parseRecord(String text) {
        return parser.apply(text);
    }

    /**
     * A DNS lookup. Once the evaluation is abandoned (its overall timeout passed) no more queries are sent: the
     * answer is a failure at once.
     */
    CompletionStage<DnsAnswer> lookup(String name, DnsType type) {
        if (abandoned) {
            return CompletableFuture.completedFuture(
                    new DnsAnswer.Failure(DnsAnswer.FailureKind.OTHER, "SPF evaluation abandoned"));
        }
        return dns.lookup(name, type);
    }

    /** Stops further DNS queries of this evaluation; it has a result already. */
    void abandon() {
        abandoned = true;
    }

    /**
     * Counts one DNS-querying term; false once more than {@code maxDnsMechanisms} were counted (RFC 7208 §4.6.4:
     * "If this limit is exceeded, the implementation MUST return "permerror"").
     */
    boolean countDnsTerm() {
        return ++dnsTerms <= limits.maxDnsMechanisms();
    }

    /** Counts one void lookup (NODATA or NXDOMAIN); false once more than {@code maxVoidLookups} (RFC 7208 §4.6.4). */
    boolean countVoidLookup() {
        return ++voidLookups <= limits.maxVoidLookups();
    }

    String termLimitReason(String term) {
        return "more than " + limits.maxDnsMechanisms() + " DNS-querying terms (at " + term + ")";
    }

    String voidLimitReason(String term) {
        return "more than " + limits.maxVoidLookups() + " void lookups (at " + term + ")";
    }

    /** A log phrase for a failed lookup: "DNS error for a:example.org: TIMEOUT". */
    static String dnsError(String what, DnsAnswer failure) {
        return "DNS error for " + what + ": "
                + (failure instanceof DnsAnswer.Failure f ? f.kind().toString() : "no answer");
    }

    /**
     * Expands a macro-string for check_host() at {@code domain}. Without {@code %{p}} this completes at once; with
     * it, after the validated-name lookups (RFC 7208 §7.3).
     */
    CompletionStage<String> expand(MacroString macros, String domain) {
        if (!macros.usesPtr()) {
            return CompletableFuture.completedFuture(macros.expand(values(domain, ValidatedNames.UNKNOWN)));
        }
        return ValidatedNames.pMacro(this, domain).thenApply(p -> macros.expand(values(domain, p)));
    }

    /** RFC 7208 §7.3: the macro letters. */
    private MacroValues values(String domain, String validatedName) {
        return letter -> switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> domain;
            case 'i' -> client.macroI();
            case 'p' -> validatedName;
            case 'v' -> client.macroV();
            case 'h' -> helo;
            case 'c' -> client.macroC();
            case 'r' -> receiver;
            case 't' -> Long.toString(clock.instant().getEpochSecond());
            default -> throw new IllegalStateException("macro letter '" + letter + "' passed the parser");
        };
    }
}
