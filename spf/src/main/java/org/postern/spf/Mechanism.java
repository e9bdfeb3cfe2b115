package org.postern.spf;

import java.util.concurrent.CompletionStage;

/**
 * One mechanism (RFC 7208 §5). Each implementation is a small immutable class holding its parsed arguments, with
 * its ABNF and its parser next to it; {@link SpfRecord} picks the parser by name from a fixed table.
 */
interface Mechanism {

    /**
     * RFC 7208 §4.6.4: whether this term counts against the limit of 10 DNS-querying terms (include, a, mx, ptr,
     * exists; redirect counts too, see {@link RedirectModifier}).
     */
    boolean queriesDns();

    /**
     * Evaluates the mechanism for check_host() at {@code domain}. Never completes exceptionally: DNS errors and
     * limit violations are {@link Match} values. Completes at once or on a resolver thread.
     */
    CompletionStage<Match> match(Evaluation evaluation, String domain);
}
