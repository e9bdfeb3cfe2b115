package org.postern.daemon.pipeline;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a score and the forced actions of local list entries into one action.
 *
 * <p>Thresholds: among the enabled actions whose threshold the score reaches, the one with the highest threshold wins
 * (as in rspamd's actions.conf); on equal thresholds the more severe. Forced actions: the most severe forced action
 * wins over any score; a forced {@link ActionKind#NO_ACTION} (an {@code accept} list entry) only suppresses the
 * thresholds, so a block entry still beats an allow entry (README "Local lists").
 */
final class ActionPolicy {

    private final EnumMap<ActionKind, Double> thresholds;

    /** @param thresholds the enabled actions and their thresholds; {@link ActionKind#NO_ACTION} must not be one */
    ActionPolicy(Map<ActionKind, Double> thresholds) {
        if (thresholds.containsKey(ActionKind.NO_ACTION)) {
            throw new IllegalArgumentException("no_action has no threshold");
        }
        this.thresholds = thresholds.isEmpty() ? new EnumMap<>(ActionKind.class) : new EnumMap<>(thresholds);
    }

    /** The action for a total score alone. */
    ActionKind byScore(double score) {
        ActionKind chosen = ActionKind.NO_ACTION;
        double best = Double.NEGATIVE_INFINITY;
        for (Map.Entry<ActionKind, Double> e : thresholds.entrySet()) {  // EnumMap: most severe first
            if (score >= e.getValue() && e.getValue() > best) {
                best = e.getValue();
                chosen = e.getKey();
            }
        }
        return chosen;
    }

    /** The most severe forced action among the symbols, if any forces one. */
    static Optional<ActionKind> forced(Collection<Symbol> symbols) {
        ActionKind most = null;
        for (Symbol s : symbols) {
            if (s.forced().isPresent() && (most == null || s.forced().get().compareTo(most) < 0)) {
                most = s.forced().get();
            }
        }
        return Optional.ofNullable(most);
    }

    /** The action for a set of symbols: forced actions first, then the score. */
    ActionKind decide(Collection<Symbol> symbols, double score) {
        return forced(symbols).orElseGet(() -> byScore(score));
    }
}
