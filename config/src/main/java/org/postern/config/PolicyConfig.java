package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Per-recipient policy (issue #6). YAML key {@code policy}. One SMTP transaction carries one message for all its
 * recipients, so recipients with differing policies are reconciled as {@code conflicts} says.
 *
 * @param conflicts  {@code defer} (default): a recipient whose policy differs from the first accepted one is
 *                   deferred with 452 4.5.3 and comes back in its own transaction; {@code strictest}: all are
 *                   accepted and the message gets the most protective combination
 * @param recipients the per-recipient entries; default none (everyone has the global settings)
 * @throws IllegalArgumentException if two entries have the same match
 */
public record PolicyConfig(PolicyConflicts conflicts, List<RecipientPolicy> recipients) {

    static final PolicyConfig DEFAULTS = new PolicyConfig(null, null);

    public PolicyConfig {
        conflicts = orDefault(conflicts, PolicyConflicts.DEFER);
        recipients = Checks.listOf("recipients", orDefault(recipients, List.of()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (!seen.add(recipients.get(i).match().toLowerCase(Locale.ROOT))) {
                throw new InvalidValueException(List.of("recipients", i, "match"), "repeats "
                        + Checks.quote(recipients.get(i).match()) + "; merge the two entries",
                        List.of("recipients", i, "match"), false);
            }
        }
    }
}
