package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@link DeliveryCheck} decided for one message and one user.
 *
 * @param action  the action under the user's policy
 * @param score   the objective score carried over from the milter pass plus this user's Bayes score
 * @param bayes   this user's Bayes result (its probability, when a model answered)
 * @param symbols the carried-over symbols, then this user's Bayes symbol if any
 * @param headers the headers Postern would add for this user: {@code X-Spam-*}, the symbols header, and the Subject
 *                when the action rewrites it; values with their leading space, folded with LF + TAB
 */
public record DeliveryVerdict(ActionKind action, double score, RecipientBayes bayes, List<Symbol> symbols,
                              List<ReceivedHeaders.Field> headers) {

    public DeliveryVerdict {
        requireNonNull(action, "action");
        requireNonNull(bayes, "bayes");
        symbols = List.copyOf(symbols);
        headers = List.copyOf(headers);
    }
}
