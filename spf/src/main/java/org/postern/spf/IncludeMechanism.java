package org.postern.spf;

import java.util.concurrent.CompletionStage;

/**
 * RFC 7208 §5.2: a recursive check_host() at the target; matches when it passes.
 *
 * <pre>
 * include          = "include"  ":" domain-spec
 * </pre>
 */
final class IncludeMechanism implements Mechanism {

    private final DomainSpec target;

    private IncludeMechanism(DomainSpec target) {
        this.target = target;
    }

    static Parsed<Mechanism> parse(String args) {
        if (!args.startsWith(":")) {
            return Parsed.error("include needs \":\" domain-spec: include" + args);
        }
        return DomainSpec.parse(args.substring(1)).map(IncludeMechanism::new);
    }

    @Override
    public boolean queriesDns() {
        return true;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        return target.target(evaluation, domain).thenCompose(name -> {
            if (name.isEmpty()) {
                // RFC 7208 §4.3 would give "none" for a malformed name, and §5.2 turns none into permerror.
                return Match.now(Match.permError("include:" + target + " is not a domain name"));
            }
            return HostCheck.run(evaluation, name.get()).thenApply(inner -> fromInner(inner, name.get()));
        });
    }

    /** RFC 7208 §5.2, the table of recursive results. */
    private static Match fromInner(Verdict inner, String name) {
        return switch (inner.kind()) {
            case PASS -> Match.YES;
            case FAIL, SOFTFAIL, NEUTRAL -> Match.NO;
            case TEMPERROR -> Match.tempError(inner.detail());
            case PERMERROR -> Match.permError(inner.detail());
            case NONE -> Match.permError("include:" + name + ": " + inner.detail());
        };
    }

    @Override
    public String toString() {
        return "include:" + target;
    }
}
