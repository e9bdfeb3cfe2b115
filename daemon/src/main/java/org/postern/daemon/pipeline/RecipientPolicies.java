package org.postern.daemon.pipeline;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.postern.config.ActionsConfig;
import org.postern.config.PosternConfig;
import org.postern.config.RecipientPolicy;
import org.postern.config.SpamAction;

/**
 * The policies of a configuration (README "Per-recipient policy"): the global one from {@code actions:} and one per
 * {@code policy.recipients} entry, and which applies to a recipient. Shared by the milter pass and
 * {@code postern check}, which must pick the same policy for the same address. Immutable.
 */
final class RecipientPolicies {

    private final EffectivePolicy defaultPolicy;
    private final List<Entry> entries;

    private RecipientPolicies(EffectivePolicy defaultPolicy, List<Entry> entries) {
        this.defaultPolicy = defaultPolicy;
        this.entries = List.copyOf(entries);
    }

    static RecipientPolicies of(PosternConfig config) {
        ActionsConfig actions = config.actions();
        EnumMap<ActionKind, Double> thresholds = new EnumMap<>(ActionKind.class);
        put(thresholds, ActionKind.REJECT, actions.reject());
        put(thresholds, ActionKind.DISCARD, actions.discard());
        put(thresholds, ActionKind.QUARANTINE, actions.quarantine());
        put(thresholds, ActionKind.SOFT_REJECT, actions.softReject());
        put(thresholds, ActionKind.GREYLIST, actions.greylist());
        put(thresholds, ActionKind.REWRITE_SUBJECT, actions.rewriteSubject());
        put(thresholds, ActionKind.ADD_HEADER, actions.addHeader());
        EffectivePolicy defaultPolicy = new EffectivePolicy("default", thresholds, config.greylist().enabled(),
                actions.subjectPrefix(), SpamAction.REJECT);
        List<Entry> entries = new ArrayList<>();
        for (RecipientPolicy rp : config.policy().recipients()) {
            EnumMap<ActionKind, Double> own = new EnumMap<>(thresholds);
            put(own, ActionKind.ADD_HEADER, rp.spamThreshold());
            put(own, ActionKind.REWRITE_SUBJECT, rp.rewriteSubject());
            put(own, ActionKind.REJECT, rp.rejectThreshold());
            entries.add(new Entry(rp.match().toLowerCase(Locale.ROOT), new EffectivePolicy(rp.match(), own,
                    rp.greylist().orElse(config.greylist().enabled()),
                    rp.subjectPrefix().orElse(actions.subjectPrefix()), rp.spamAction().orElse(SpamAction.REJECT)),
                    rp.bayes().orElse(true)));
        }
        return new RecipientPolicies(defaultPolicy, entries);
    }

    /** The global settings, for a message without accepted recipients. */
    EffectivePolicy defaultPolicy() {
        return defaultPolicy;
    }

    /**
     * The policy of one recipient: the entry for its address, else the entry for the most specific domain that
     * matches it (as in Postfix's access maps), else the global settings.
     */
    EffectivePolicy policyFor(String recipient) {
        return entryFor(recipient).map(Entry::policy).orElse(defaultPolicy);
    }

    /** Whether the Bayes classifier is used for a recipient: its policy entry's {@code bayes}, by default yes. */
    boolean bayesFor(String recipient) {
        return entryFor(recipient).map(Entry::bayes).orElse(true);
    }

    private Optional<Entry> entryFor(String recipient) {
        String address = recipient.toLowerCase(Locale.ROOT);
        String domain = Envelope.domainOf(address);
        Entry best = null;
        int bestLength = -1;
        for (Entry e : entries) {
            if (e.match().indexOf('@') >= 0) {
                if (e.match().equals(address)) {
                    return Optional.of(e);
                }
            } else if (LocalListsCheck.nameMatches(e.match(), domain) && e.match().length() > bestLength) {
                best = e;
                bestLength = e.match().length();
            }
        }
        return Optional.ofNullable(best);
    }

    private record Entry(String match, EffectivePolicy policy, boolean bayes) {}

    private static void put(Map<ActionKind, Double> map, ActionKind action, OptionalDouble threshold) {
        threshold.ifPresent(t -> map.put(action, t));
    }
}
