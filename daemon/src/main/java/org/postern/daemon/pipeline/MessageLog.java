package org.postern.daemon.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line per message (STYLE.md "Logging"), keyed by Postfix's queue id so that
 * {@code grep QUEUEID /var/log/mail.log} and Postern's log tell the whole story together. A message refused before
 * DATA has no queue id ({@code qid=NOQUEUE}, as Postfix logs it), so that line carries the session id, client, HELO,
 * sender and recipient instead.
 */
final class MessageLog {

    private static final Logger LOG = LoggerFactory.getLogger("postern");

    private MessageLog() {}

    /**
     * @param bayes each recipient's own Bayes result (README "Bayes with several recipients"); empty when Bayes did
     *              not run
     */
    static void message(String queueId, long session, MessageVerdict verdict, List<RecipientBayes> bayes,
                        ConnectionFacts connection, Envelope envelope, boolean headersTruncated, long elapsedNanos) {
        LOG.info("qid={} session={} action={} score={} ip={} from=<{}> rcpt={} outgoing={} symbols={}{}{} time_ms={}",
                queueId, session, verdict.action().logName(), score(verdict.score()), ip(connection),
                safe(envelope.sender()), envelope.recipients().size(), envelope.outgoing(),
                symbols(verdict.symbols()), bayes(bayes), headersTruncated ? " headers_truncated=true" : "",
                elapsedNanos / 1_000_000);
    }

    static void refusedRecipient(String queueId, long session, MessageVerdict verdict, ConnectionFacts connection,
                                 Envelope envelope, String recipient, String reply) {
        LOG.info("qid={} session={} action={} score={} ip={} helo={} from=<{}> rcpt=<{}> reply=\"{}\" symbols={}",
                queueId, session, verdict.action().logName(), score(verdict.score()), ip(connection),
                safe(connection.helo()), safe(envelope.sender()), safe(recipient), reply,
                symbols(verdict.symbols()));
    }

    static void aborted(String queueId, long session, ConnectionFacts connection, Envelope envelope) {
        LOG.info("qid={} session={} action=aborted ip={} helo={} from=<{}> rcpt={}", queueId, session,
                ip(connection), safe(connection.helo()), safe(envelope.sender()), envelope.recipients().size());
    }

    /**
     * Each recipient's own Bayes result, {@code bayes=rcpt=user:model:probability:SYMBOL(score),...}: the message's
     * headers carry one Bayes symbol for all, the log tells what each recipient's model said.
     */
    private static String bayes(List<RecipientBayes> results) {
        return results.isEmpty() ? ""
                : " bayes=" + results.stream().map(r -> safe(r.describe())).collect(Collectors.joining(","));
    }

    private static String ip(ConnectionFacts c) {
        return c.clientAddress().isEmpty() ? "unknown" : c.clientAddress();
    }

    private static String score(double score) {
        return String.format(Locale.ROOT, "%.2f", score);
    }

    private static String symbols(List<Symbol> symbols) {
        return symbols.isEmpty() ? "-" : symbols.stream().map(s -> safe(s.describe())).collect(Collectors.joining(","));
    }

    /** Values from the network go into one log line: no control characters, no spaces that break key=value. */
    private static String safe(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && i < 256; i++) {
            char c = s.charAt(i);
            sb.append(c > 0x20 && c != 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
