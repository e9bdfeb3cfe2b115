package org.postern.config;

import static org.postern.config.Checks.orDefault;

/**
 * SPF (RFC 7208) on incoming mail. YAML key {@code spf}. The result's symbol and score come from {@code symbols}
 * ({@code spf.pass}, {@code spf.fail}, ...). A null component means its default.
 *
 * @param enabled           evaluate SPF for the MAIL FROM identity (the HELO identity for the null sender); default
 *                          true
 * @param rejectFail        reject at RCPT when SPF fails, as policyd-spf does by default; default false (the score of
 *                          {@code spf.fail} counts instead)
 * @param failReply         the reply for {@code reject_fail}, a 5xx; default
 *                          {@code 550 5.7.23 SPF validation failed} (RFC 7372 §3.2)
 * @param receivedSpfHeader add a {@code Received-SPF} header (RFC 7208 §9.1); default true
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record SpfConfig(boolean enabled, boolean rejectFail, ReplyText failReply, boolean receivedSpfHeader) {

    static final SpfConfig DEFAULTS = new SpfConfig(true, false, null, true);

    public SpfConfig {
        failReply = orDefault(failReply, new ReplyText(550, "5.7.23", "SPF validation failed"));
        if (failReply.isTemporary()) {
            throw InvalidValueException.ofKey("fail_reply", "must be a permanent 5xx reply, not " + failReply.code());
        }
    }
}
