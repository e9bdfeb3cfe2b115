package org.postern.config;

import static org.postern.config.Checks.orDefault;

/**
 * DMARC (RFC 7489) for incoming mail. YAML key {@code dmarc}. The outcome's symbol comes from {@code symbols}
 * ({@code dmarc.pass}, {@code dmarc.fail_reject}, ...); a {@code dmarc=} entry goes into Authentication-Results. By
 * default a failing domain's {@code p=reject} or {@code p=quarantine} only scores; the two switches below make
 * Postern do what the domain asks.
 *
 * @param enabled          evaluate DMARC; default true
 * @param honorReject      reject mail that fails DMARC when the domain's policy is reject; default false
 * @param honorQuarantine  quarantine mail that fails DMARC when the domain's policy is quarantine; default false
 * @param rejectReply      the reply for {@code honor_reject}, a 5xx; default
 *                         {@code 550 5.7.1 Rejected by the DMARC policy of the sender's domain}
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record DmarcConfig(boolean enabled, boolean honorReject, boolean honorQuarantine, ReplyText rejectReply) {

    static final DmarcConfig DEFAULTS = new DmarcConfig(true, false, false, null);

    public DmarcConfig {
        rejectReply = ActionsConfig.permanent("reject_reply", orDefault(rejectReply,
                new ReplyText(550, "5.7.1", "Rejected by the DMARC policy of the sender's domain")));
    }
}
