package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome for a message (or a refused recipient): the action, the total score and the symbols behind it, and
 * each recipient's own Bayes result (README "Bayes with several recipients"; empty when Bayes did not run).
 */
record MessageVerdict(ActionKind action, double score, List<Symbol> symbols, List<RecipientBayes> bayes) {

    MessageVerdict {
        requireNonNull(action, "action");
        symbols = List.copyOf(symbols);
        bayes = List.copyOf(bayes);
    }

    MessageVerdict(ActionKind action, double score, List<Symbol> symbols) {
        this(action, score, symbols, List.of());
    }

    MessageVerdict withBayes(List<RecipientBayes> perRecipient) {
        return new MessageVerdict(action, score, symbols, perRecipient);
    }

    static double sum(List<Symbol> symbols) {
        double total = 0;
        for (Symbol s : symbols) {
            total += s.score();
        }
        return total;
    }
}
