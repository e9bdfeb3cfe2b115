package org.postern.config;

import static org.postern.config.Checks.finite;
import static org.postern.config.Checks.orDefault;

import java.util.OptionalDouble;

/**
 * Score thresholds and what the actions say. YAML key {@code actions}.
 *
 * <p>Each threshold is a total score at or above which its action applies; an empty threshold disables the action
 * (in YAML, write the key with no value or {@code ~}; leaving the key out keeps the default). When a score reaches
 * several thresholds, the action with the highest threshold is taken, as in rspamd's {@code actions.conf}.
 *
 * <p>A null component means its default. Never null after construction.
 *
 * @param reject            reject with {@code rejectReply}; default 15
 * @param softReject        temporarily reject with {@code softRejectReply}; default disabled
 * @param discard           accept and silently drop; default disabled
 * @param quarantine        accept into Postfix's hold queue with {@code quarantineReason}; default disabled
 * @param rewriteSubject    prepend {@code subjectPrefix} to the Subject; default 8
 * @param addHeader         add the spam headers ({@code X-Spam-Flag: YES}); default 6
 * @param greylist          tempfail with {@code greylistReply}; default disabled (greylisting arrives with #6)
 * @param rejectReply       reply for reject, a 5xx; default {@code 550 5.7.1 Message rejected as spam}
 * @param softRejectReply   reply for soft reject, a 4xx; default {@code 451 4.7.1 Try again later}
 * @param greylistReply     reply for greylisting, a 4xx; default {@code 451 4.7.1 Greylisted, please try again later}
 * @param subjectPrefix     text put before the Subject by rewrite_subject; printable US-ASCII, may be empty;
 *                          default {@code "***SPAM*** "}
 * @param quarantineReason  reason given to Postfix with SMFIR_QUARANTINE, shown by {@code postqueue -p}; printable
 *                          US-ASCII, not empty; default {@code "Postern: quarantined as spam"}
 * @throws IllegalArgumentException if a threshold is not finite, a reply has the wrong class, or a text is not
 *                                  printable ASCII; the message names the YAML key
 */
public record ActionsConfig(OptionalDouble reject, OptionalDouble softReject, OptionalDouble discard,
        OptionalDouble quarantine, OptionalDouble rewriteSubject, OptionalDouble addHeader, OptionalDouble greylist,
        ReplyText rejectReply, ReplyText softRejectReply, ReplyText greylistReply, String subjectPrefix,
        String quarantineReason) {

    static final ActionsConfig DEFAULTS =
            new ActionsConfig(null, null, null, null, null, null, null, null, null, null, null, null);

    public ActionsConfig {
        reject = finite("reject", orDefault(reject, OptionalDouble.of(15)));
        softReject = finite("soft_reject", orDefault(softReject, OptionalDouble.empty()));
        discard = finite("discard", orDefault(discard, OptionalDouble.empty()));
        quarantine = finite("quarantine", orDefault(quarantine, OptionalDouble.empty()));
        rewriteSubject = finite("rewrite_subject", orDefault(rewriteSubject, OptionalDouble.of(8)));
        addHeader = finite("add_header", orDefault(addHeader, OptionalDouble.of(6)));
        greylist = finite("greylist", orDefault(greylist, OptionalDouble.empty()));
        rejectReply = permanent("reject_reply",
                orDefault(rejectReply, new ReplyText(550, "5.7.1", "Message rejected as spam")));
        softRejectReply = temporary("soft_reject_reply",
                orDefault(softRejectReply, new ReplyText(451, "4.7.1", "Try again later")));
        greylistReply = temporary("greylist_reply",
                orDefault(greylistReply, new ReplyText(451, "4.7.1", "Greylisted, please try again later")));
        subjectPrefix = Checks.printableAscii("subject_prefix", orDefault(subjectPrefix, "***SPAM*** "));
        quarantineReason = Checks.printableAscii("quarantine_reason",
                orDefault(quarantineReason, "Postern: quarantined as spam"));
        if (quarantineReason.isEmpty()) {
            throw InvalidValueException.ofKey("quarantine_reason", "must not be empty");
        }
    }

    static ReplyText permanent(String key, ReplyText reply) {
        if (reply.isTemporary()) {
            throw InvalidValueException.ofKey(key, "must be a permanent 5xx reply, not " + reply.code());
        }
        return reply;
    }

    static ReplyText temporary(String key, ReplyText reply) {
        if (!reply.isTemporary()) {
            throw InvalidValueException.ofKey(key, "must be a temporary 4xx reply, not " + reply.code());
        }
        return reply;
    }
}
