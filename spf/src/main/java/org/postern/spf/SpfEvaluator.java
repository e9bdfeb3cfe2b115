package org.postern.spf;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.postern.dns.DnsResolver;

/**
 * Evaluates SPF (RFC 7208) for an SMTP client: check_host() with every mechanism and modifier, macro expansion, the
 * processing limits of §4.6.4, and the exp= explanation of a fail.
 *
 * <p>The evaluation is asynchronous from end to end: each DNS answer drives the next step (see {@link HostCheck}),
 * nothing waits on a lock or a thread, and a stage whose answer is cached continues at once. So {@code evaluate} may
 * be called from an event loop; its stage completes on a resolver thread, on the caller's thread when no query was
 * needed (an invalid domain, everything cached), or on the JDK's delay thread when the overall timeout fires.
 *
 * <p>Thread-safe; one instance serves the whole daemon. Parsed records are cached by their text (at most
 * {@value #PARSED_RECORD_CHARS} chars of it); DNS answers are cached by the {@link DnsResolver}.
 *
 * <p>References: (1) RFC 7208, SPF. (2) The OpenSPF RFC 7208 test suite (pyspf {@code test/rfc7208-tests.yml}) for
 * the corners the RFC leaves open: exp= with an empty domain-spec is a permerror, a modifier name never swallows a
 * mechanism ("redirect:x" is a bad mechanism), an unusable target name does not match. (3) RFC 8601,
 * Authentication-Results. (4) Apache James jSPF for the shape: one class per term, DNS as continuations.
 */
public final class SpfEvaluator {

    /**
     * Bound on the record text held by the parsed-record cache, in chars (each record weighs its length, so about
     * 80 000 typical 200-char records; one TXT RRset can carry 64 KB, so a count alone would bound nothing).
     */
    static final long PARSED_RECORD_CHARS = 16L << 20;

    private static final System.Logger LOG = System.getLogger(SpfEvaluator.class.getName());

    private final DnsResolver dns;
    private final SpfLimits limits;
    private final Clock clock;
    private final Cache<String, Parsed<SpfRecord>> records;

    private SpfEvaluator(DnsResolver dns, SpfLimits limits, Clock clock) {
        this.dns = requireNonNull(dns, "dns");
        this.limits = requireNonNull(limits, "limits");
        this.clock = requireNonNull(clock, "clock");
        this.records = Caffeine.newBuilder()
                .maximumWeight(PARSED_RECORD_CHARS)
                .weigher((String text, Parsed<SpfRecord> parsed) -> text.length())
                .build();
    }

    /**
     * An evaluator that asks {@code dns} and applies {@code limits} ({@link SpfLimits#defaults()} is the RFC's).
     * The resolver stays owned by the caller.
     */
    public static SpfEvaluator create(DnsResolver dns, SpfLimits limits) {
        return new SpfEvaluator(dns, limits, Clock.systemUTC());
    }

    /** As {@link #create(DnsResolver, SpfLimits)}, with the clock that {@code %{t}} reads (tests). */
    static SpfEvaluator create(DnsResolver dns, SpfLimits limits, Clock clock) {
        return new SpfEvaluator(dns, limits, clock);
    }

    /**
     * RFC 7208 §4 check_host() for the MAIL FROM identity: the sender's domain, or for the null reverse-path the
     * HELO name with sender {@code postmaster@<HELO>} (RFC 7208 §2.4). A sender without local-part ("@example.org")
     * is checked as {@code postmaster@example.org} (§4.3); one without "@" is taken as a domain.
     *
     * @return the result; never completes exceptionally (a DNS failure or the overall timeout is a
     *     {@link SpfResult.TempError}, a bug in this code is logged at ERROR and is a TempError too). Completes on a
     *     resolver thread, the JDK's delay thread (timeout), or at once on the caller's thread.
     */
    public CompletionStage<SpfResult> evaluate(SpfQuery query) {
        String sender = query.sender();
        if (sender.isEmpty()) {
            return check(query, SpfIdentity.MAILFROM, query.helo(), "postmaster", query.helo());
        }
        int at = sender.lastIndexOf('@');
        String local = at < 0 ? "" : sender.substring(0, at);
        String domain = sender.substring(at + 1);
        // RFC 7208 §4.3: "If the <sender> has no local-part, substitute the string "postmaster" for the local-part."
        return check(query, SpfIdentity.MAILFROM, domain, local.isEmpty() ? "postmaster" : local, domain);
    }

    /**
     * RFC 7208 §2.3: the HELO identity, check_host() at the HELO name with sender {@code postmaster@<HELO>}. A HELO
     * that is an address literal or a single label gives {@link SpfResult.None}. Threads and failures as for
     * {@link #evaluate}.
     */
    public CompletionStage<SpfResult> evaluateHelo(SpfQuery query) {
        return check(query, SpfIdentity.HELO, query.helo(), "postmaster", query.helo());
    }

    private CompletionStage<SpfResult> check(SpfQuery query, SpfIdentity identity, String domain, String localPart,
                                             String senderDomain) {
        Evaluation evaluation = new Evaluation(dns, limits, clock, this::parse, query, localPart, senderDomain);
        CompletableFuture<SpfResult> result = CompletableFuture.completedFuture(domain)
                .thenCompose(d -> HostCheck.run(evaluation, d))
                .thenCompose(verdict -> finish(evaluation, verdict, identity, domain))
                .exceptionally(bug -> internalError(bug, identity, domain));
        // RFC 7208 §4.6.4: "If such a limit is exceeded, the result of authorization SHOULD be "temperror"."
        result.completeOnTimeout(new SpfResult.TempError(identity, domain,
                        "SPF evaluation took longer than " + limits.overallTimeout().toMillis() + " ms"),
                limits.overallTimeout().toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((done, never) -> evaluation.abandon());
        return result;
    }

    /** Fetches the explanation of a fail (RFC 7208 §6.2) and builds the public result. */
    private static CompletionStage<SpfResult> finish(Evaluation evaluation, Verdict verdict, SpfIdentity identity,
                                                     String domain) {
        if (verdict.kind() == Verdict.Kind.FAIL && verdict.explanation().isPresent()) {
            Verdict.Explain explain = verdict.explanation().get();
            return explain.modifier().explain(evaluation, explain.domain())
                    .thenApply(text -> result(verdict, identity, domain, text));
        }
        return CompletableFuture.completedFuture(result(verdict, identity, domain, Optional.empty()));
    }

    private static SpfResult result(Verdict verdict, SpfIdentity identity, String domain, Optional<String> explanation) {
        String detail = verdict.detail();
        return switch (verdict.kind()) {
            case PASS -> new SpfResult.Pass(identity, domain, detail);
            case FAIL -> new SpfResult.Fail(identity, domain, detail, explanation);
            case SOFTFAIL -> new SpfResult.SoftFail(identity, domain, detail);
            case NEUTRAL -> new SpfResult.Neutral(identity, domain, detail);
            case NONE -> new SpfResult.None(identity, domain, detail);
            case PERMERROR -> new SpfResult.PermError(identity, domain, detail);
            case TEMPERROR -> new SpfResult.TempError(identity, domain, detail);
        };
    }

    private static SpfResult internalError(Throwable bug, SpfIdentity identity, String domain) {
        LOG.log(System.Logger.Level.ERROR, "SPF evaluation of " + identity.keyword() + " domain \""
                + MacroString.printable(domain) + "\" failed: a bug in Postern", bug);
        return new SpfResult.TempError(identity, domain, "internal error: " + bug);
    }

    private Parsed<SpfRecord> parse(String text) {
        return records.get(text, SpfRecord::parse);
    }
}
