package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import org.postern.milter.SmtpReply;

/**
 * One named piece of evidence a check inserted, with its configured score and a short reason ({@code SPF_FAIL(-all)}).
 *
 * @param name      configured symbol name, {@code MODULE_WHAT}
 * @param score     configured score; positive is spammy, negative hammy
 * @param reason    why it fired, for logs and the symbols header; may be empty, never null
 * @param forced    an action that this evidence forces regardless of the score (a local list entry), if any
 * @param reply     the SMTP reply to use when the forced action or a threshold refuses the message, if configured
 * @param objective whether this is objective evidence that may decide a verdict before DATA (lists, blocklists, SPF)
 */
public record Symbol(String name, double score, String reason, Optional<ActionKind> forced, Optional<SmtpReply> reply,
                     boolean objective) {

    public Symbol {
        requireNonNull(name, "name");
        requireNonNull(reason, "reason");
        requireNonNull(forced, "forced");
        requireNonNull(reply, "reply");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite: " + score);
        }
    }

    /** A scored symbol without a forced action. */
    public static Symbol scored(String name, double score, String reason, boolean objective) {
        return new Symbol(name, score, reason, Optional.empty(), Optional.empty(), objective);
    }

    /** {@code NAME(score)} or {@code NAME(score){reason}}, as in the log line and the symbols header. */
    public String describe() {
        String s = name + "(" + String.format(Locale.ROOT, "%.2f", score) + ")";
        return reason.isEmpty() ? s : s + "{" + reason + "}";
    }
}
