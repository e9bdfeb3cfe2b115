package org.postern.spf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * RFC 7208 §6.1: when no directive matched, the result is that of check_host() at the target.
 *
 * <pre>
 * redirect         = "redirect" "=" domain-spec
 * </pre>
 */
final class RedirectModifier {

    private final DomainSpec target;

    private RedirectModifier(DomainSpec target) {
        this.target = target;
    }

    static Parsed<RedirectModifier> parse(String value) {
        return DomainSpec.parse(value).map(RedirectModifier::new);
    }

    /** Follows the redirect from check_host() at {@code domain}. Never completes exceptionally. */
    CompletionStage<Verdict> follow(Evaluation evaluation, String domain) {
        // RFC 7208 §4.6.4: redirect is one of the DNS-querying terms.
        if (!evaluation.countDnsTerm()) {
            return CompletableFuture.completedFuture(Verdict.permError(evaluation.termLimitReason(this.toString())));
        }
        return target.target(evaluation, domain).thenCompose(name -> {
            if (name.isEmpty()) {
                // RFC 7208 §6.1: "if the target-name is malformed, the result is a "permerror""
                return CompletableFuture.completedFuture(Verdict.permError(this + " is not a domain name"));
            }
            return HostCheck.run(evaluation, name.get()).thenApply(result -> result.kind() == Verdict.Kind.NONE
                    // RFC 7208 §6.1: "If no SPF record is found ... the result is "permerror" rather than "none""
                    ? Verdict.permError(this + ": " + result.detail())
                    : result);
        });
    }

    @Override
    public String toString() {
        return "redirect=" + target;
    }
}
