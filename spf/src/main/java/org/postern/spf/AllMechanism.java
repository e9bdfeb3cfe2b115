package org.postern.spf;

import java.util.concurrent.CompletionStage;

/**
 * RFC 7208 §5.1: always matches.
 *
 * <pre>
 * all              = "all"
 * </pre>
 */
final class AllMechanism implements Mechanism {

    private static final AllMechanism INSTANCE = new AllMechanism();

    private AllMechanism() {
    }

    /** {@code args} is what follows the name; "all" takes none ("all.", "all:x", "all/8" are errors). */
    static Parsed<Mechanism> parse(String args) {
        return args.isEmpty() ? Parsed.ok(INSTANCE) : Parsed.error("\"all\" takes no argument: all" + args);
    }

    @Override
    public boolean queriesDns() {
        return false;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        return Match.now(Match.YES);
    }

    @Override
    public String toString() {
        return "all";
    }
}
