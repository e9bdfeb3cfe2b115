package org.postern.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.MilterReply;
import org.postern.milter.SmtpReply;

/**
 * What Postern answers: before DATA for one recipient, and at end of message for the whole message.
 *
 * <p><b>At RCPT</b> only objective evidence counts (local lists now; blocklists and SPF later): that of the connection
 * and the transaction so far, plus the recipient's own; never another recipient's, so a message to abuse@ (allowed)
 * and victim@ is judged for victim@ on its own. A forced reject or soft reject refuses the recipient; otherwise the
 * action that {@link ActionPolicy#byScore} picks for the objective score, when it is reject or soft reject. Local
 * submissions are never refused here: Postfix would keep such mail queued with a configuration error
 * (milter-protocol.md §11).
 *
 * <p><b>At end of message</b> everything counts. One SMTP transaction is one message for all its recipients, so
 * recipient evidence adds to the message score, and a recipient's forced quarantine or discard applies to the
 * message; a recipient's {@code accept} applies only when every accepted recipient has one.
 */
final class VerdictPolicy {

    private final PipelineSettings settings;

    VerdictPolicy(PipelineSettings settings) {
        this.settings = settings;
    }

    /** The RCPT-stage refusal of one recipient under its policy, if the objective evidence decides one. */
    Optional<SmtpReply> preDataRefusal(List<Symbol> evidence, boolean localSubmission, EffectivePolicy policy) {
        if (localSubmission) {
            return Optional.empty();
        }
        List<Symbol> objective = evidence.stream().filter(Symbol::objective).toList();
        Optional<ActionKind> forced = ActionPolicy.forced(objective);
        ActionKind action = policy.adjust(forced.orElseGet(() -> policy.actions().byScore(MessageVerdict.sum(objective))),
                forced);
        return switch (action) {
            case REJECT -> Optional.of(replyOf(objective, ActionKind.REJECT, settings.rejectReply));
            case SOFT_REJECT -> Optional.of(replyOf(objective, ActionKind.SOFT_REJECT, settings.softRejectReply));
            default -> Optional.empty();  // quarantine, discard, accept and tagging act at end of message
        };
    }

    /**
     * The message's symbols: everything but recipient evidence as is, recipient evidence with its {@code accept}
     * cancelled unless every recipient has one.
     */
    static List<Symbol> messageSymbols(List<Symbol> sessionSymbols, List<List<Symbol>> perRecipient) {
        boolean everyRecipientAllowed = !perRecipient.isEmpty() && perRecipient.stream().allMatch(
                symbols -> symbols.stream().anyMatch(s -> s.forced().orElse(null) == ActionKind.NO_ACTION));
        List<Symbol> all = new ArrayList<>(sessionSymbols);
        for (List<Symbol> symbols : perRecipient) {
            for (Symbol s : symbols) {
                boolean cancelledAccept = !everyRecipientAllowed && s.forced().orElse(null) == ActionKind.NO_ACTION;
                all.add(cancelledAccept
                        ? new Symbol(s.name(), s.score(), s.reason(), Optional.empty(), s.reply(), s.objective())
                        : s);
            }
        }
        return all;
    }

    /** The verdict on a whole message under the message's policy; {@code postern check} decides so too. */
    static MessageVerdict decide(List<Symbol> symbols, EffectivePolicy policy) {
        double score = MessageVerdict.sum(symbols);
        ActionKind action = policy.adjust(policy.actions().decide(symbols, score), ActionPolicy.forced(symbols));
        return new MessageVerdict(action, score, symbols);
    }

    /** The end-of-message answer: a refusal, or the header edits and ACCEPT (with QUARANTINE when held). */
    EndOfMessageReply reply(MessageVerdict verdict, EffectivePolicy policy, ReceivedHeaders headers,
                            List<String> authResults, List<ReceivedHeaders.Field> traceHeaders,
                            List<ReceivedHeaders.Field> signatures, boolean outgoing, boolean headerLeadingSpace,
                            BayesGate.Autolearn autolearn, String bodyDigest) {
        ActionKind action = verdict.action();
        switch (action) {
            case REJECT:
                return refuse(replyOf(verdict.symbols(), ActionKind.REJECT, settings.rejectReply));
            case SOFT_REJECT:
                return refuse(replyOf(verdict.symbols(), ActionKind.SOFT_REJECT, settings.softRejectReply));
            case GREYLIST:
                // Only a message whose triplets the greylister deferred gets here (ScanSession).
                return refuse(settings.greylistReply);
            case DISCARD:
                return new EndOfMessageReply(List.of(), MilterReply.DISCARD);
            default:
                break;
        }
        String prefix = action == ActionKind.REWRITE_SUBJECT ? policy.subjectPrefix() : "";
        List<MilterReply.Modification> edits = new ArrayList<>(settings.headerEdits.edits(headers, verdict, !outgoing,
                authResults, traceHeaders, signatures, policy.requiredScore(), prefix, autolearn.word,
                bodyDigest));
        if (action == ActionKind.QUARANTINE) {
            edits.add(new MilterReply.Quarantine(settings.config.actions().quarantineReason()));
        }
        return new EndOfMessageReply(headerLeadingSpace ? edits : HeaderEdits.withoutLeadingSpace(edits),
                MilterReply.ACCEPT);
    }

    /**
     * The reply text of the strongest evidence that carries one (the forcing entry's, or else the highest-scoring
     * symbol's, e.g. a blocklist's configured text), else the configured default; a reply of the wrong class for the
     * action is not used.
     */
    private static SmtpReply replyOf(List<Symbol> symbols, ActionKind forcedAction, SmtpReply fallback) {
        Symbol best = null;
        for (Symbol s : symbols) {
            if (s.reply().isEmpty() || s.reply().get().isTemporary() != fallback.isTemporary()) {
                continue;
            }
            if (s.forced().isPresent() && s.forced().get() != forcedAction) {
                continue;
            }
            if (best == null || stronger(s, best)) {
                best = s;
            }
        }
        return best == null ? fallback : best.reply().get();
    }

    /** A symbol that forces the action beats one that only scores; among equals, the higher score wins. */
    private static boolean stronger(Symbol candidate, Symbol best) {
        if (candidate.forced().isPresent() != best.forced().isPresent()) {
            return candidate.forced().isPresent();
        }
        return candidate.score() > best.score();
    }

    private static EndOfMessageReply refuse(SmtpReply reply) {
        return new EndOfMessageReply(List.of(), new MilterReply.ReplyCode(reply));
    }
}
