package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The Bayes result for one recipient of a message: whose model classified it and what it said.
 *
 * @param recipient   the envelope recipient as accepted
 * @param user        the user key the recipient maps to ({@code bayes.users})
 * @param model       which model answered
 * @param probability the spam probability, when a model answered
 * @param symbol      the BAYES_SPAM, BAYES_HAM or BAYES_TEMPERROR symbol; empty when the probability is unsure or no
 *                    model answered
 */
public record RecipientBayes(String recipient, String user, Model model, OptionalDouble probability,
                             Optional<Symbol> symbol) {

    /** Which model classified. */
    public enum Model {
        /** The user's own model: it has min_spam and min_ham learned. */
        USER,
        /** The global model, because the user's own has not learned enough. */
        GLOBAL,
        /** Neither model has learned enough: no symbol. */
        NONE,
        /** The recipient's policy has {@code bayes: false}. */
        DISABLED,
        /** The store failed or did not answer in time: BAYES_TEMPERROR. */
        ERROR;

        String logName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RecipientBayes {
        requireNonNull(recipient, "recipient");
        requireNonNull(user, "user");
        requireNonNull(model, "model");
        requireNonNull(probability, "probability");
        requireNonNull(symbol, "symbol");
    }

    /** {@code recipient=user:model:probability:SYMBOL(score)}, with {@code -} for what is missing; for the log. */
    String describe() {
        return recipient + "=" + user + ":" + model.logName() + ":"
                + (probability.isPresent() ? String.format(Locale.ROOT, "%.4f", probability.getAsDouble()) : "-")
                + ":" + symbol.map(Symbol::describe).orElse("-");
    }
}
