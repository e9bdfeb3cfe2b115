package org.postern.daemon.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.SpamAction;

/**
 * The settings that apply to one recipient, or to a whole message (README "Per-recipient policy"): the action
 * thresholds, whether greylisting applies, the Subject prefix, and whether the reject threshold refuses or
 * quarantines.
 *
 * @param id         which configuration entry this is ({@code default}, the entry's match, or a combination), to
 *                   tell whether two recipients share a policy
 * @param thresholds the enabled actions and their thresholds
 */
record EffectivePolicy(String id, Map<ActionKind, Double> thresholds, boolean greylist, String subjectPrefix,
                       SpamAction spamAction) {

    EffectivePolicy {
        thresholds = thresholds.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(thresholds));
    }

    ActionPolicy actions() {
        return new ActionPolicy(thresholds);
    }

    /** The score from which mail counts as spam, for {@code required=} in X-Spam-Status. */
    double requiredScore() {
        double lowest = Double.POSITIVE_INFINITY;
        for (ActionKind a : List.of(ActionKind.ADD_HEADER, ActionKind.REWRITE_SUBJECT, ActionKind.QUARANTINE,
                ActionKind.DISCARD, ActionKind.REJECT)) {
            Double t = thresholds.get(a);
            if (t != null) {
                lowest = Math.min(lowest, t);
            }
        }
        return Double.isInfinite(lowest) ? 0.0 : lowest;
    }

    /**
     * The most protective combination, for recipients of one message whose policies differ
     * ({@code policy.conflicts: strictest}): each action at the lowest threshold any of them sets, greylisting if
     * any wants it, quarantine rather than reject if any asks for it (so no recipient loses mail it wanted held),
     * and the first recipient's Subject prefix.
     */
    static EffectivePolicy strictest(List<EffectivePolicy> policies) {
        if (policies.size() == 1) {
            return policies.get(0);
        }
        EnumMap<ActionKind, Double> thresholds = new EnumMap<>(ActionKind.class);
        boolean greylist = false;
        SpamAction spamAction = SpamAction.REJECT;
        StringBuilder id = new StringBuilder("strictest(");
        for (EffectivePolicy p : policies) {
            p.thresholds().forEach((action, t) -> thresholds.merge(action, t, Math::min));
            greylist |= p.greylist();
            if (p.spamAction() == SpamAction.QUARANTINE) {
                spamAction = SpamAction.QUARANTINE;
            }
            id.append(id.length() > "strictest(".length() ? "," : "").append(p.id());
        }
        return new EffectivePolicy(id.append(')').toString(), thresholds, greylist, policies.get(0).subjectPrefix(),
                spamAction);
    }

    /** The same policy without the greylist threshold, for a message greylisting does not apply to. */
    EffectivePolicy withoutGreylist() {
        EnumMap<ActionKind, Double> rest = new EnumMap<>(ActionKind.class);
        rest.putAll(thresholds);
        rest.remove(ActionKind.GREYLIST);
        return new EffectivePolicy(id, rest, greylist, subjectPrefix, spamAction);
    }

    /** The action this policy takes: a score-based reject becomes quarantine where the policy says so. */
    ActionKind adjust(ActionKind action, Optional<ActionKind> forced) {
        if (action == ActionKind.REJECT && forced.isEmpty() && spamAction == SpamAction.QUARANTINE) {
            return ActionKind.QUARANTINE;
        }
        return action;
    }
}
