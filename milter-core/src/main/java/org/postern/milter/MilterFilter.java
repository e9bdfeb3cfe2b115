package org.postern.milter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The per-connection handler that gives milter events their meaning: one instance per MTA connection (one SMTP
 * session), created by {@link MilterFilterFactory#newFilter}.
 *
 * <p><b>Threads.</b> Every callback runs on the connection's event loop, one at a time, in wire order; an instance is
 * never called concurrently and needs no locking. Callbacks must not block: they return a {@link CompletionStage} that
 * may complete on any thread (the session hops back to its loop). The session calls the next callback only when the
 * previous stage has completed, and reads no further input from the MTA meanwhile (bounded memory per connection).
 *
 * <p><b>Failures.</b> A callback that throws, or whose stage completes exceptionally, is our bug: the session logs it
 * once at ERROR and answers the MTA with CONTINUE (at end of message: ACCEPT), so mail keeps flowing. While a stage
 * runs longer than {@link MilterLimits#progressInterval()}, the session sends PROGRESS so Postfix does not time out.
 *
 * <p><b>No-reply events.</b> For events negotiated with an {@code NR_*} flag the MTA does not wait; the session still
 * calls the callback (in order) and discards its response. Every default method answers CONTINUE.
 *
 * <p>Macros: each callback receives the session's macros as of that event (an immutable snapshot).
 */
public interface MilterFilter {

    /** A completed CONTINUE, for callbacks that answer at once. */
    CompletionStage<MilterReply.Response> CONTINUE = CompletableFuture.completedFuture(MilterReply.CONTINUE);

    /** After OPTNEG: what was agreed with the MTA (e.g. whether header values keep their leading space). */
    default void negotiated(Negotiated negotiated) {}

    default CompletionStage<MilterReply.Response> connect(MilterCommand.Connect connect, Macros macros) {
        return CONTINUE;
    }

    default CompletionStage<MilterReply.Response> helo(MilterCommand.Helo helo, Macros macros) {
        return CONTINUE;
    }

    /** Start of a transaction. */
    default CompletionStage<MilterReply.Response> mail(MilterCommand.Mail mail, Macros macros) {
        return CONTINUE;
    }

    default CompletionStage<MilterReply.Response> rcpt(MilterCommand.Rcpt rcpt, Macros macros) {
        return CONTINUE;
    }

    default CompletionStage<MilterReply.Response> data(Macros macros) {
        return CONTINUE;
    }

    default CompletionStage<MilterReply.Response> header(MilterCommand.Header header, Macros macros) {
        return CONTINUE;
    }

    default CompletionStage<MilterReply.Response> endOfHeaders(Macros macros) {
        return CONTINUE;
    }

    /** One body chunk. Answer {@link MilterReply#SKIP} to receive no more chunks of this message. */
    default CompletionStage<MilterReply.Response> body(MilterCommand.Body body, Macros macros) {
        return CONTINUE;
    }

    /** End of message: the modifications to apply and the final answer, written to the MTA in one flush. */
    default CompletionStage<EndOfMessageReply> endOfMessage(Macros macros) {
        return CompletableFuture.completedFuture(EndOfMessageReply.ACCEPT);
    }

    default CompletionStage<MilterReply.Response> unknown(MilterCommand.Unknown unknown, Macros macros) {
        return CONTINUE;
    }

    /**
     * The current transaction ended without end of message, or after it (Postfix sends ABORT after every
     * transaction, at RSET and at session resets such as STARTTLS); forget transaction state, keep connection state.
     */
    default void abort(Macros macros) {}

    /** The connection ended: QUIT, QUIT_NC, EOF, or a protocol error. Called exactly once, last. */
    default void close() {}
}
