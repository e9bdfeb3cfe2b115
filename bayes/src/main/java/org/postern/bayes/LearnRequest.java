package org.postern.bayes;

import static java.util.Objects.requireNonNull;

/**
 * One message of a {@link LmdbBayesStore#learnAll} batch: what to do with it, its seen-index key and its tokens.
 *
 * @param action   learn as spam, learn as ham, or forget
 * @param learnKey the message's seen-index key, normally {@link LearnKey#of}; not empty
 * @param tokens   the message's tokens, as {@link BayesTokenizer} gives them; forgetting and moving take back the
 *                 counts of these tokens, so pass the same tokens the message was learned with
 */
public record LearnRequest(Action action, String learnKey, MessageTokens tokens) {

    /** What to do with the message. */
    public enum Action {
        /** Count it as spam (moving it if it was learned as ham). */
        SPAM,
        /** Count it as ham (moving it if it was learned as spam). */
        HAM,
        /** Take it back if it was learned. */
        FORGET
    }

    /** @throws IllegalArgumentException if {@code learnKey} is empty */
    public LearnRequest {
        requireNonNull(action, "action");
        requireNonNull(learnKey, "learnKey");
        requireNonNull(tokens, "tokens");
        if (learnKey.isEmpty()) {
            throw new IllegalArgumentException("learnKey must not be empty");
        }
    }

    /** Learn as spam. */
    public static LearnRequest spam(String learnKey, MessageTokens tokens) {
        return new LearnRequest(Action.SPAM, learnKey, tokens);
    }

    /** Learn as ham. */
    public static LearnRequest ham(String learnKey, MessageTokens tokens) {
        return new LearnRequest(Action.HAM, learnKey, tokens);
    }

    /** Forget. */
    public static LearnRequest forget(String learnKey, MessageTokens tokens) {
        return new LearnRequest(Action.FORGET, learnKey, tokens);
    }
}
