package org.postern.spf;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsRecord;
import org.postern.dns.DnsType;

/**
 * RFC 7208 §6.2: where to find the explanation for a "fail". Fetched once, after the result is known, and only
 * for the record whose directive failed (not for an include's record); it never changes the result.
 *
 * <pre>
 * explanation      = "exp" "=" domain-spec
 * explain-string   = *( macro-string / SP )
 * </pre>
 */
final class ExplanationModifier {

    private final DomainSpec target;

    private ExplanationModifier(DomainSpec target) {
        this.target = target;
    }

    /**
     * An empty domain-spec ("exp=") is a syntax error: the grammar requires one, and the suite settles §6.2's "if
     * domain-spec is empty" that way (exp-empty-domain).
     */
    static Parsed<ExplanationModifier> parse(String value) {
        return DomainSpec.parse(value).map(ExplanationModifier::new);
    }

    /**
     * The expanded explanation for check_host() at {@code domain}, or empty. RFC 7208 §6.2: "If there are any DNS
     * processing errors (any RCODE other than 0), or if no records are returned, or if more than one record is
     * returned, or if there are syntax errors in the explanation string, then proceed as if no "exp" modifier was
     * given." The lookup counts against neither the term limit nor the void limit (§4.6.4, suite exp-void).
     */
    CompletionStage<Optional<String>> explain(Evaluation evaluation, String domain) {
        return target.target(evaluation, domain).thenCompose(name -> {
            if (name.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return evaluation.lookup(name.get(), DnsType.TXT).thenCompose(answer -> {
                if (answer.records().size() != 1 || !(answer.records().get(0) instanceof DnsRecord.Txt txt)) {
                    return CompletableFuture.completedFuture(Optional.<String>empty());
                }
                Parsed<MacroString> text = MacroString.parse(txt.joined(), MacroString.Context.EXPLANATION);
                if (!text.isOk()) {
                    return CompletableFuture.completedFuture(Optional.<String>empty());
                }
                return evaluation.expand(text.value(), domain).thenApply(Optional::of);
            });
        });
    }

    @Override
    public String toString() {
        return "exp=" + target;
    }
}
