package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome for a message (or a refused recipient): the action, the total score and the symbols behind it.
 */
record MessageVerdict(ActionKind action, double score, List<Symbol> symbols) {

    MessageVerdict {
        requireNonNull(action, "action");
        symbols = List.copyOf(symbols);
    }

    static double sum(List<Symbol> symbols) {
        double total = 0;
        for (Symbol s : symbols) {
            total += s.score();
        }
        return total;
    }
}
