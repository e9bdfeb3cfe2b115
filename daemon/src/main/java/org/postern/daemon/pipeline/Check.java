package org.postern.daemon.pipeline;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A check as the pipeline sees it: an adapter from one check module's typed results to {@link Symbol}s, with one hook
 * per stage (after rspamd's callback symbols; STYLE.md "Symbols").
 *
 * <p>Hooks are called on the session's event loop and must not block: work that waits (DNS, disk) returns a stage
 * that completes later, on any thread. A hook that throws, completes exceptionally or misses the stage's time budget
 * becomes the symbol of result kind {@code <name>.temperror} and the message goes on (fail open, DESIGN.md). Hooks run
 * as soon as their inputs exist; the pipeline joins their results at the stage that needs them.
 */
public interface Check {

    CompletionStage<CheckResult> NOTHING = CompletableFuture.completedFuture(CheckResult.NOTHING);

    /** Short lower-case name, the prefix of this check's result kinds ({@code lists}, {@code spf}). */
    String name();

    /**
     * The result kinds this check maps through the {@code symbols:} configuration, e.g. {@code lists.temperror}.
     * Startup fails when one of them has no configured symbol, or when a configured kind belongs to no check.
     */
    Set<String> resultKinds();

    /**
     * Whether this check's evidence counts for outgoing mail. Checks of the sending side (blocklists, SPF) do not:
     * an authenticated user on a dynamic address is not a spam bot. The pipeline drops their results for outgoing
     * transactions, also those started at CONNECT, before the login was known.
     */
    default boolean appliesToOutgoing() {
        return true;
    }

    default CompletionStage<CheckResult> connect(ConnectionFacts connection) {
        return NOTHING;
    }

    default CompletionStage<CheckResult> helo(ConnectionFacts connection) {
        return NOTHING;
    }

    default CompletionStage<CheckResult> mail(ConnectionFacts connection, Envelope envelope) {
        return NOTHING;
    }

    /** One recipient; its symbols count only if the recipient is accepted. */
    default CompletionStage<CheckResult> rcpt(ConnectionFacts connection, Envelope envelope, String recipient) {
        return NOTHING;
    }

    /** The headers are complete (DKIM key lookups start here); joined at end of message. */
    default CompletionStage<CheckResult> endOfHeaders(ConnectionFacts connection, Envelope envelope,
                                                      ReceivedHeaders headers) {
        return NOTHING;
    }

    /**
     * A scan of this message's body, if the check needs the body; started at end of headers. Empty by default.
     * Throwing is our bug: the check's temperror symbol, and the message goes on.
     */
    default java.util.Optional<MessageScan> beginMessage(ConnectionFacts connection, Envelope envelope,
                                                         ReceivedHeaders headers) {
        return java.util.Optional.empty();
    }

    default CompletionStage<CheckResult> endOfMessage(ConnectionFacts connection, Envelope envelope,
                                                       ReceivedHeaders headers) {
        return NOTHING;
    }
}
