package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InternetDomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsType;

/**
 * Evaluates DMARC (RFC 7489) for one message: finds the author domain, discovers its policy, and checks whether the
 * SPF or DKIM identifiers that passed are aligned with it.
 *
 * <p><b>How it runs</b> (RFC 7489 §6.6):
 * <ol>
 *   <li>§6.6.1: the author domain is the domain of the addresses in the one From: field ({@link DmarcAuthor}). No
 *       From: field, several, or addresses of different domains is a {@link DmarcResult.PermError} at once, without
 *       DNS: the RFC says such mail is not to be passed, and a permerror lets configuration decide.
 *   <li>§6.6.3: TXT at {@code _dmarc.<author domain>}; the records starting {@code v=DMARC1} are kept. None there
 *       (NXDOMAIN, NODATA, or only other TXT records) and the author domain is not its own organizational domain:
 *       TXT at {@code _dmarc.<organizational domain>}. Exactly one record is the policy; several, or none in the
 *       end, or an invalid one, is {@link DmarcResult.None} (no DMARC processing). A DNS failure at either step is
 *       {@link DmarcResult.TempError}.
 *   <li>§3.1: a DKIM d= or the SPF domain is aligned when it equals the author domain (strict, {@code adkim=s} /
 *       {@code aspf=s}) or has the same organizational domain (relaxed, the default). One aligned pass is
 *       {@link DmarcResult.Pass}; otherwise {@link DmarcResult.Fail} with p= (sp= when the record came from the
 *       organizational domain), lowered one step when the message falls outside the pct= sample (§6.6.4).
 * </ol>
 *
 * <p><b>Organizational domains</b> (§3.2) come from the public suffix list that Guava compiles into
 * {@link InternetDomainName}, both its ICANN and its private section (so {@code blogspot.com} subdomains are each
 * their own organization). Guava refreshes the list in every release, so refreshing it means bumping the Guava
 * version in {@code dkim/pom.xml}. No file is read at run time.
 *
 * <p><b>Threads.</b> Thread-safe; one instance serves the daemon. {@link #evaluate} never blocks: it completes at
 * once for a permerror or cached DNS answers, and otherwise on a resolver thread. There is no deadline of its own:
 * each of the (at most two) lookups ends within the resolver's timeout and retries; add {@code orTimeout} for a
 * tighter one.
 *
 * <p>References: (1) RFC 7489, DMARC. (2) RFC 8601, Authentication-Results. (3) RFC 5322 §3.4 and §3.6.2, the From:
 * field. (4) https://publicsuffix.org/list/ and the Guava release notes for the list's version.
 */
public final class DmarcEvaluator {

    private static final System.Logger LOG = System.getLogger(DmarcEvaluator.class.getName());

    private final DnsResolver dns;
    private final RandomGenerator sampling;

    private DmarcEvaluator(DnsResolver dns, RandomGenerator sampling) {
        this.dns = requireNonNull(dns, "dns");
        this.sampling = requireNonNull(sampling, "sampling");
    }

    /**
     * An evaluator that looks policies up through {@code dns}, which stays owned by the caller.
     *
     * @param dns      the resolver for the {@code _dmarc} TXT lookups
     * @param sampling decides pct= sampling: a message is in the sample when {@code sampling.nextInt(100) < pct}.
     *                 It is called from resolver threads, concurrently, so it must be thread-safe: in production
     *                 {@code ThreadLocalRandom.current()}; tests pass a fixed generator. Not called when pct=100 or
     *                 the policy is none.
     */
    public static DmarcEvaluator create(DnsResolver dns, RandomGenerator sampling) {
        return new DmarcEvaluator(dns, sampling);
    }

    /**
     * RFC 7489 §6.6: policy discovery and alignment for one message.
     *
     * @return never completes exceptionally (our own bug is logged at ERROR and becomes a
     *     {@link DmarcResult.TempError}); completes on a resolver thread or at once
     */
    public CompletionStage<DmarcResult> evaluate(DmarcQuery query) {
        requireNonNull(query, "query");
        Parsed<String> author = DmarcAuthor.domain(query.fromFieldValues());
        if (author instanceof Parsed.Invalid<String> invalid) {
            // RFC 7489 §6.6.1: no single author domain; such messages are not to be passed.
            return CompletableFuture.completedFuture(new DmarcResult.PermError(Optional.empty(), invalid.reason()));
        }
        String domain = ((Parsed.Ok<String>) author).value();
        String organizational = organizationalDomain(domain);
        return lookup(domain).thenCompose(atDomain -> {
            if (atDomain instanceof Discovery.Empty && !organizational.equals(domain)) {
                // RFC 7489 §6.6.3 step 3: no record at the author domain, so ask its organizational domain.
                return lookup(organizational).thenApply(atOrg -> decide(query, domain, atOrg, true));
            }
            return CompletableFuture.completedFuture(decide(query, domain, atDomain, false));
        }).exceptionally(bug -> {
            LOG.log(System.Logger.Level.ERROR, "DMARC evaluation failed for " + domain, bug);
            return new DmarcResult.TempError(domain, "internal error");
        });
    }

    /**
     * RFC 7489 §3.2: the organizational domain of {@code domain}: its public suffix (from the public suffix list,
     * private section included) plus one label. A name that is itself a public suffix is its own organizational
     * domain; a name under no listed suffix, or that Guava cannot parse, falls back to its last two labels.
     *
     * @param domain a domain name, any case, with or without trailing dot
     * @return lower case, without trailing dot
     */
    public static String organizationalDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (InternetDomainName.isValid(d)) {
            InternetDomainName name = InternetDomainName.from(d);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return name.toString();
            }
        }
        int last = d.lastIndexOf('.');
        int secondLast = last <= 0 ? -1 : d.lastIndexOf('.', last - 1);
        return secondLast < 0 ? d : d.substring(secondLast + 1);
    }

    /** What one {@code _dmarc} lookup found. */
    private sealed interface Discovery {
        /** Exactly one DMARC record (RFC 7489 §6.6.3 step 4). */
        record One(String text) implements Discovery {}
        /** No DMARC record: NXDOMAIN, NODATA, or only other TXT records. */
        record Empty() implements Discovery {}
        /** Several DMARC records: no policy. */
        record Several(int count) implements Discovery {}
        /** The lookup failed. */
        record Failed(DnsAnswer.FailureKind kind) implements Discovery {}
    }

    private CompletionStage<Discovery> lookup(String domain) {
        return dns.lookup("_dmarc." + domain, DnsType.TXT).thenApply(answer -> {
            if (answer instanceof DnsAnswer.Failure failure) {
                return new Discovery.Failed(failure.kind());
            }
            List<String> records = new ArrayList<>();
            for (DnsRecord r : answer.records()) {
                if (r instanceof DnsRecord.Txt txt && DmarcRecord.isDmarc(txt.joined())) {
                    records.add(txt.joined());   // RFC 7489 §6.6.3 step 2: other TXT records are discarded
                }
            }
            return switch (records.size()) {
                case 0 -> new Discovery.Empty();
                case 1 -> new Discovery.One(records.get(0));
                default -> new Discovery.Several(records.size());
            };
        });
    }

    private DmarcResult decide(DmarcQuery query, String domain, Discovery found, boolean atOrganizationalDomain) {
        if (found instanceof Discovery.Failed failed) {
            return new DmarcResult.TempError(domain, "DNS " + failed.kind().name().toLowerCase(Locale.ROOT));
        }
        if (found instanceof Discovery.Empty) {
            return new DmarcResult.None(domain, "no DMARC record");
        }
        if (found instanceof Discovery.Several several) {
            // RFC 7489 §6.6.3 step 4: several records mean DMARC processing is not applied.
            return new DmarcResult.None(domain, several.count() + " DMARC records");
        }
        Parsed<DmarcRecord> parsed = DmarcRecord.parse(((Discovery.One) found).text());
        if (parsed instanceof Parsed.Invalid<DmarcRecord> invalid) {
            // RFC 7489 §6.6.3 step 5.2: an invalid record without a usable rua= is as if there were none.
            return new DmarcResult.None(domain, invalid.reason());
        }
        DmarcRecord record = ((Parsed.Ok<DmarcRecord>) parsed).value();
        DmarcPolicy requested = record.policyFor(atOrganizationalDomain);
        boolean dkim = false;
        for (String d : query.dkimPassDomains()) {
            dkim |= aligned(d, domain, record.strictDkim());
        }
        boolean spf = query.spfPassDomain().filter(d -> aligned(d, domain, record.strictSpf())).isPresent();
        if (dkim || spf) {
            return new DmarcResult.Pass(domain, requested,
                    dkim && spf ? "dkim and spf aligned" : dkim ? "dkim aligned" : "spf aligned");
        }
        // RFC 7489 §6.6.4: outside the pct= sample, apply the next lower policy.
        if (requested != DmarcPolicy.NONE && record.percent() < 100 && sampling.nextInt(100) >= record.percent()) {
            return new DmarcResult.Fail(domain, requested, requested.nextLower(),
                    "not aligned, outside pct=" + record.percent() + " sample");
        }
        return new DmarcResult.Fail(domain, requested, requested, "not aligned");
    }

    /** RFC 7489 §3.1: strict alignment is the same name, relaxed the same organizational domain. */
    private static boolean aligned(String identifier, String author, boolean strict) {
        String id = identifier.toLowerCase(Locale.ROOT);
        if (id.endsWith(".")) {
            id = id.substring(0, id.length() - 1);
        }
        return strict ? id.equals(author) : organizationalDomain(id).equals(organizationalDomain(author));
    }
}
