package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Settings for some recipients: an address or a domain, and what differs for them from the global settings. An
 * element of {@link PolicyConfig#recipients()}. Every setting left out is inherited.
 *
 * @param match          the recipients: an address {@code user@example.com}, a domain {@code example.com} (with the
 *                       names below it), or {@code .example.com} (only the names below it); required. An address
 *                       entry wins over a domain entry, a longer domain over a shorter one.
 * @param spamThreshold  the score from which mail is marked as spam ({@code actions.add_header}); finite
 * @param rewriteSubject the score from which the Subject is prefixed ({@code actions.rewrite_subject}); finite
 * @param rejectThreshold the score from which mail is refused, or quarantined with {@code spam_action: quarantine}
 *                       ({@code actions.reject}); finite
 * @param spamAction     {@code reject} or {@code quarantine}: what reaching the reject threshold does
 * @param greylist       whether these recipients are greylisted at all
 * @param bayes          whether the Bayes classifier is used for them (default: yes)
 * @param subjectPrefix  the Subject prefix ({@code actions.subject_prefix}); printable ASCII
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record RecipientPolicy(String match, OptionalDouble spamThreshold, OptionalDouble rewriteSubject,
        OptionalDouble rejectThreshold, Optional<SpamAction> spamAction, Optional<Boolean> greylist,
        Optional<Boolean> bayes, Optional<String> subjectPrefix) {

    public RecipientPolicy {
        if (match == null) {
            throw InvalidValueException.ofKey("match", "is required: an address (user@example.com) or a domain");
        }
        int at = match.lastIndexOf('@');
        String domain = at >= 0 ? match.substring(at + 1) : match.startsWith(".") ? match.substring(1) : match;
        if (domain.isEmpty() || !Checks.isHostName(domain) || at == 0) {
            throw InvalidValueException.ofKey("match", "must be an address such as user@example.com or a domain"
                    + " such as example.com, not " + Checks.quote(match));
        }
        spamThreshold = Checks.finite("spam_threshold", orDefault(spamThreshold, OptionalDouble.empty()));
        rewriteSubject = Checks.finite("rewrite_subject", orDefault(rewriteSubject, OptionalDouble.empty()));
        rejectThreshold = Checks.finite("reject_threshold", orDefault(rejectThreshold, OptionalDouble.empty()));
        spamAction = orDefault(spamAction, Optional.empty());
        greylist = orDefault(greylist, Optional.empty());
        bayes = orDefault(bayes, Optional.empty());
        subjectPrefix = orDefault(subjectPrefix, Optional.empty());
        subjectPrefix.ifPresent(p -> Checks.printableAscii("subject_prefix", p));
    }
}
