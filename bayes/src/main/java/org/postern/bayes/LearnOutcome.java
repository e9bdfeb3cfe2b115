package org.postern.bayes;

/**
 * What {@link LmdbBayesStore#learn} or {@link LmdbBayesStore#forget} did with one message, as sa-learn reports it.
 */
public enum LearnOutcome {
    /** The message was new and its tokens were counted in the requested class. */
    LEARNED,
    /** The message had been learned as the same class before; nothing changed. */
    ALREADY_LEARNED,
    /** The message had been learned as the other class; those counts were taken back and it now counts in this one. */
    MOVED,
    /** The message had been learned; its counts were taken back and it is no longer in the seen-index. */
    FORGOTTEN,
    /** {@link LmdbBayesStore#forget} of a message that was never learned; nothing changed. */
    NOT_LEARNED
}
