package org.postern.milter;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The protocol state machine of one milter connection: option negotiation, macros per stage, one filter callback per
 * event in wire order, and exactly the replies the MTA waits for (milter-protocol.md §3, §4, §7).
 *
 * <p><b>Threads.</b> An instance belongs to one channel and is confined to that channel's event loop: every handler
 * method, timer and completion runs there, so no field needs a lock. A filter's {@link CompletionStage} may complete on
 * any thread; the session hops back with {@code whenCompleteAsync(..., ctx.executor())} before touching its state.
 *
 * <p><b>Order and backpressure.</b> Events are handed to the filter strictly one at a time. While a callback's stage
 * is pending the session is {@link State#WAITING_FOR_FILTER}: it turns {@code autoRead} off, so no more bytes are read
 * from the socket (TCP pushes back on the MTA), and queues the commands the decoder still produces from bytes already
 * read. That queue is bounded by one read's worth of frames; {@link #MAX_QUEUED_COMMANDS} is a safety net whose
 * overflow is treated as a protocol error. When the stage completes, the queue is drained in order and reading resumes
 * once it is empty. A stage that is already complete when the callback returns (the usual synchronous answer) is
 * handled inline, without pausing reads.
 *
 * <p><b>Replies.</b> Every event the MTA waits for gets exactly one final reply. Events negotiated with an
 * {@code SMFIP_NR_*} flag still reach the filter, in order, but their result is dropped (§3.3); MACRO, ABORT and QUIT
 * are never answered. End of message writes its modifications and final reply and flushes once (§1: no Nagle stall).
 * While the MTA waits for a pending answer, PROGRESS is sent every {@link MilterLimits#progressInterval()}.
 *
 * <p><b>Failures.</b> A callback that throws or whose stage completes exceptionally is our bug: it is logged once at
 * ERROR with its stack trace and answered with CONTINUE (end of message: ACCEPT), so mail keeps flowing. A confused
 * peer (decoder error, command out of order, no OPTNEG in time) gets one WARN line and its connection closed; other
 * connections are unaffected. The filter's {@link MilterFilter#close()} runs exactly once per filter.
 */
final class MilterSession extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(MilterSession.class.getName());

    /** Safety net for the inbound queue; one 64 KiB read holds at most 13108 frames of the minimum 5 bytes. */
    static final int MAX_QUEUED_COMMANDS = 16_384;

    /** Stages whose macros belong to the current transaction (§4: per-message state starts at MAIL). */
    private static final MacroStage[] TRANSACTION_STAGES = {
        MacroStage.MAIL, MacroStage.RCPT, MacroStage.DATA, MacroStage.HEADER, MacroStage.END_OF_HEADERS,
        MacroStage.BODY, MacroStage.END_OF_MESSAGE,
    };

    /** Where the connection is. Every command is dispatched on this. */
    enum State {
        /** Connected (or reset by QUIT_NC): only SMFIC_OPTNEG is allowed. */
        NEGOTIATING,
        /** Options agreed, no event yet: the only state in which SMFIC_CONNECT is allowed. */
        NEGOTIATED,
        /** In the session, no callback pending. */
        READY,
        /** A filter callback's stage is pending; reading is paused and commands are queued. */
        WAITING_FOR_FILTER,
        /** Closed or closing: everything is ignored. */
        CLOSED
    }

    private final MilterFilterFactory factory;
    private final MilterLimits limits;
    private final SessionInfo info;
    private final ArrayDeque<MilterCommand> queue = new ArrayDeque<>(4);

    private ChannelHandlerContext ctx;
    private State state = State.NEGOTIATING;
    private MilterFilter filter;
    private Negotiated negotiated;
    private Macros macros = Macros.empty();
    /** The filter answered SKIP to a body chunk of the current message: no more body callbacks until it ends. */
    private boolean skipBody;
    /** Bumped when a filter is retired (QUIT_NC, close): a late completion for an older filter is dropped. */
    private long generation;
    /** The negotiation timeout while NEGOTIATING, the PROGRESS ticker while WAITING_FOR_FILTER. */
    private ScheduledFuture<?> timer;

    MilterSession(MilterFilterFactory factory, MilterLimits limits, SessionInfo info) {
        this.factory = requireNonNull(factory, "factory");
        this.limits = requireNonNull(limits, "limits");
        this.info = requireNonNull(info, "info");
    }

    State state() {
        return state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        scheduleNegotiationTimeout();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MilterCommand command)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        if (queue.size() >= MAX_QUEUED_COMMANDS) {
            protocolError("more than " + MAX_QUEUED_COMMANDS + " commands arrived while a filter callback was pending");
            return;
        }
        queue.add(command);
        drain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.CLOSED) {
            LOG.log(Level.DEBUG, () -> peer() + ": connection closed by the MTA in state " + state);
            retire();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.CLOSED) {
            LOG.log(Level.DEBUG, () -> peer() + ": after close: " + cause);
        } else if (cause instanceof MilterProtocolException) {
            protocolError(cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, () -> peer() + ": connection error: " + cause);
            closeConnection();
        } else {
            LOG.log(Level.ERROR, peer() + ": internal error; closing the connection", cause);
            closeConnection();
        }
    }

    /** Dispatches queued commands until one leaves a callback pending, then pauses or resumes reading to match. */
    private void drain() {
        while (state != State.WAITING_FOR_FILTER && state != State.CLOSED && !queue.isEmpty()) {
            dispatch(queue.poll());
        }
        if (state == State.CLOSED) {
            return;
        }
        boolean read = state != State.WAITING_FOR_FILTER;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void dispatch(MilterCommand command) {
        if (state == State.NEGOTIATING) {
            if (command instanceof MilterCommand.Negotiate offer) {
                negotiate(offer);
            } else {
                protocolError("expected SMFIC_OPTNEG first, got " + command.libmilterName());
            }
        } else if (command instanceof MilterCommand.Negotiate) {
            protocolError("SMFIC_OPTNEG again after negotiation (only SMFIC_QUIT_NC starts over)");
        } else if (command instanceof MilterCommand.Macro macro) {
            macros = macros.with(macro.stage(), macro.values());
        } else if (command instanceof MilterCommand.Abort) {
            abort();
        } else if (command instanceof MilterCommand.Quit) {
            closeConnection();
        } else if (command instanceof MilterCommand.QuitNewConnection) {
            startOver();
        } else if (command instanceof MilterCommand.Connect connect) {
            if (state != State.NEGOTIATED) {
                protocolError("SMFIC_CONNECT after other events of the session");
            } else {
                call(command, () -> filter.connect(connect, macros));
            }
        } else if (command instanceof MilterCommand.Helo helo) {
            call(command, () -> filter.helo(helo, macros));
        } else if (command instanceof MilterCommand.Mail mail) {
            call(command, () -> filter.mail(mail, macros));
        } else if (command instanceof MilterCommand.Rcpt rcpt) {
            call(command, () -> filter.rcpt(rcpt, macros));
        } else if (command instanceof MilterCommand.Data) {
            call(command, () -> filter.data(macros));
        } else if (command instanceof MilterCommand.Header header) {
            call(command, () -> filter.header(header, macros));
        } else if (command instanceof MilterCommand.EndOfHeaders) {
            call(command, () -> filter.endOfHeaders(macros));
        } else if (command instanceof MilterCommand.Body body) {
            if (skipBody) {
                respond(command, MilterReply.CONTINUE, null);  // the filter said SKIP; the MTA kept sending
            } else {
                call(command, () -> filter.body(body, macros));
            }
        } else if (command instanceof MilterCommand.EndOfMessage) {
            endOfMessage();
        } else if (command instanceof MilterCommand.Unknown unknown) {
            call(command, () -> filter.unknown(unknown, macros));
        } else {
            throw new IllegalStateException("no dispatch for " + command);
        }
    }

    // -- negotiation (§3) -------------------------------------------------------------------------------------------

    /** SMFIC_OPTNEG: creates the filter and answers version min(6, offered) with the intersection of both masks. */
    private void negotiate(MilterCommand.Negotiate offer) {
        cancelTimer();
        if (Integer.compareUnsigned(offer.version(), 2) < 0) {
            LOG.log(Level.WARNING, () -> peer() + ": MTA offers milter protocol version "
                    + Integer.toUnsignedString(offer.version()) + ", at least 2 is needed; closing the connection");
            closeConnection();
            return;
        }
        MilterOptions options;
        try {
            options = requireNonNull(factory.options(), "MilterFilterFactory.options() returned null");
            filter = requireNonNull(factory.newFilter(info), "MilterFilterFactory.newFilter() returned null");
        } catch (RuntimeException e) {
            // Closing during OPTNEG makes Postfix apply milter_default_action (§10).
            LOG.log(Level.ERROR, peer() + ": filter factory failed; closing the connection", e);
            closeConnection();
            return;
        }
        int version = Integer.compareUnsigned(offer.version(), MilterOptions.VERSION) > 0
                ? MilterOptions.VERSION : offer.version();
        Set<ActionFlag> wanted = EnumSet.noneOf(ActionFlag.class);
        wanted.addAll(options.actions());
        if (!options.macroRequests().isEmpty()) {
            wanted.add(ActionFlag.SET_SYMBOL_LIST);  // asking for macro lists means asking for SMFIF_SETSYMLIST
        }
        // §3.2: a mask beyond the offer fails the milter ("request mask ... conflict with MTA request mask").
        Set<ActionFlag> actions = EnumSet.noneOf(ActionFlag.class);
        actions.addAll(wanted);
        actions.retainAll(ActionFlag.of(offer.actions()));
        if (!actions.containsAll(wanted)) {
            Set<ActionFlag> missing = EnumSet.copyOf(wanted);
            missing.removeAll(actions);
            LOG.log(Level.WARNING, () -> peer() + ": MTA does not offer actions " + missing
                    + "; negotiating without them");
        }
        Set<ProtocolFlag> protocol = EnumSet.noneOf(ProtocolFlag.class);
        protocol.addAll(options.protocol());
        protocol.retainAll(ProtocolFlag.of(offer.protocol()));
        Map<MacroStage, List<String>> lists = actions.contains(ActionFlag.SET_SYMBOL_LIST)
                ? options.macroRequests() : Map.of();
        negotiated = new Negotiated(version, actions, protocol);
        state = State.NEGOTIATED;
        try {
            filter.negotiated(negotiated);
        } catch (RuntimeException e) {
            filterFailed(offer, e, "going on");
        }
        write(new MilterReply.Negotiation(version, ActionFlag.mask(actions), ProtocolFlag.mask(protocol), lists));
        ctx.flush();
    }

    // -- events ------------------------------------------------------------------------------------------------------

    /** Runs one event callback and answers its response, now or when its stage completes. */
    private void call(MilterCommand event, Supplier<CompletionStage<MilterReply.Response>> callback) {
        state = State.READY;
        await(event, callback, (response, error) -> respond(event, response, error));
    }

    /** The answer to one event: CONTINUE in place of a failure, SKIP handling, nothing at all for NR_* events. */
    private void respond(MilterCommand event, MilterReply.Response response, Throwable error) {
        if (error != null) {
            filterFailed(event, error, "answering CONTINUE");
            response = MilterReply.CONTINUE;
        } else if (response == null) {
            filterFailed(event, new NullPointerException("stage completed with null"), "answering CONTINUE");
            response = MilterReply.CONTINUE;
        } else if (response instanceof MilterReply.Skip) {
            if (!(event instanceof MilterCommand.Body)) {
                filterFailed(event, new IllegalStateException("SKIP answers only a body chunk"), "answering CONTINUE");
                response = MilterReply.CONTINUE;
            } else {
                skipBody = true;
                if (!negotiated.has(ProtocolFlag.SKIP)) {
                    response = MilterReply.CONTINUE;  // without SMFIP_SKIP the MTA would fail us on SMFIR_SKIP
                }
            }
        }
        if (mtaWaitsFor(event)) {
            write(response);
            ctx.flush();
        }
    }

    /** SMFIC_ABORT: the filter forgets the transaction; transaction macros go, connection macros stay (§4). */
    private void abort() {
        Macros snapshot = macros;
        endTransaction();
        try {
            filter.abort(snapshot);
        } catch (RuntimeException e) {
            filterFailed(new MilterCommand.Abort(), e, "going on");
        }
    }

    /** SMFIC_BODYEOB: modifications and the final reply in one flush; failures answer ACCEPT. */
    private void endOfMessage() {
        state = State.READY;
        Macros snapshot = macros;
        endTransaction();
        var event = new MilterCommand.EndOfMessage();
        await(event, () -> filter.endOfMessage(snapshot), (reply, error) -> {
            if (error != null || reply == null) {
                filterFailed(event, error != null ? error : new NullPointerException("stage completed with null"),
                        "answering ACCEPT");
                reply = EndOfMessageReply.ACCEPT;
            }
            List<Character> refused = new ArrayList<>();
            for (MilterReply.Modification modification : reply.modifications()) {
                if (negotiated.has(modification.requiredAction())) {
                    write(modification);
                } else {
                    refused.add(modification.code());
                }
            }
            if (!refused.isEmpty()) {
                // libmilter's smfi_* functions refuse an action that was not negotiated; so do we.
                LOG.log(Level.WARNING, () -> peer() + ": filter asked for modifications " + refused
                        + " whose actions were not negotiated " + negotiated.actions() + "; dropped them");
            }
            write(reply.response());
            ctx.flush();
        });
    }

    private void endTransaction() {
        macros = macros.without(TRANSACTION_STAGES);
        skipBody = false;
    }

    /**
     * Calls {@code callback}; if its stage is already complete, handles the outcome at once, otherwise waits for it
     * with reading paused, PROGRESS ticking, and a hop back to this event loop.
     */
    private <T> void await(MilterCommand event, Supplier<? extends CompletionStage<T>> callback,
                           BiConsumer<T, Throwable> then) {
        CompletionStage<T> stage;
        try {
            stage = requireNonNull(callback.get(), "the filter returned null instead of a CompletionStage");
        } catch (RuntimeException e) {
            then.accept(null, e);
            return;
        }
        CompletableFuture<T> done = completed(stage);
        if (done != null) {
            T value = null;
            Throwable error = null;
            try {
                value = done.getNow(null);  // complete: never blocks
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            then.accept(value, error);
            return;
        }
        state = State.WAITING_FOR_FILTER;
        long waitingGeneration = generation;
        boolean mtaWaits = mtaWaitsFor(event);
        long interval = limits.progressInterval().toNanos();
        timer = ctx.executor().scheduleAtFixedRate(() -> progress(mtaWaits), interval, interval, TimeUnit.NANOSECONDS);
        stage.whenCompleteAsync((value, error) -> resume(waitingGeneration, value, error, then), ctx.executor());
    }

    /** Back on the event loop with a pending stage's outcome. */
    private <T> void resume(long waitingGeneration, T value, Throwable error, BiConsumer<T, Throwable> then) {
        if (waitingGeneration != generation || state != State.WAITING_FOR_FILTER) {
            return;  // that filter was closed meanwhile; its answer has no one to go to
        }
        try {
            cancelTimer();
            state = State.READY;
            then.accept(value, error);
            drain();
        } catch (RuntimeException e) {
            exceptionCaught(ctx, e);
        }
    }

    /** SMFIR_PROGRESS, §7: only while the MTA is known to wait for an answer (the pending one or a queued one). */
    private void progress(boolean pendingEventWaits) {
        if (state == State.WAITING_FOR_FILTER && (pendingEventWaits || queue.stream().anyMatch(this::mtaWaitsFor))) {
            write(MilterReply.PROGRESS);
            ctx.flush();
        }
    }

    /** Whether the MTA waits for a reply to {@code command} (§1, §3.3). */
    private boolean mtaWaitsFor(MilterCommand command) {
        return negotiated != null && command.expectsReply(negotiated.protocol());
    }

    // -- ending ------------------------------------------------------------------------------------------------------

    /** SMFIC_QUIT_NC: the old filter is closed; the same connection negotiates again for a new session. */
    private void startOver() {
        retireFilter();
        negotiated = null;
        macros = Macros.empty();
        skipBody = false;
        state = State.NEGOTIATING;
        scheduleNegotiationTimeout();
    }

    /** The peer is confused: exactly one WARN line naming it and the problem, then that connection is closed. */
    private void protocolError(String problem) {
        LOG.log(Level.WARNING, () -> peer() + ": protocol error: " + problem + "; closing the connection");
        closeConnection();
    }

    private void closeConnection() {
        if (state != State.CLOSED) {
            retire();
            ctx.close();
        }
    }

    /** Stops everything: no timers, no queue, no more callbacks; the filter is closed. */
    private void retire() {
        state = State.CLOSED;
        cancelTimer();
        queue.clear();
        retireFilter();
    }

    private void retireFilter() {
        generation++;
        MilterFilter closing = filter;
        filter = null;
        if (closing != null) {
            try {
                closing.close();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, peer() + ": filter failed in close()", e);
            }
        }
    }

    private void scheduleNegotiationTimeout() {
        cancelTimer();
        long nanos = limits.negotiationTimeout().toNanos();
        timer = ctx.executor().schedule(() -> {
            if (state == State.NEGOTIATING) {
                LOG.log(Level.WARNING, () -> peer() + ": no SMFIC_OPTNEG within " + limits.negotiationTimeout()
                        + "; closing the connection");
                closeConnection();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    // -- helpers -----------------------------------------------------------------------------------------------------

    private void write(MilterReply reply) {
        ctx.write(reply).addListener((ChannelFutureListener) this::writeDone);
    }

    private void writeDone(ChannelFuture future) {
        if (!future.isSuccess() && state != State.CLOSED) {
            exceptionCaught(ctx, future.cause());
        }
    }

    /** Our bug (a filter failed): logged once, with its stack, at ERROR; the caller takes the safe answer. */
    private void filterFailed(MilterCommand event, Throwable error, String outcome) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.log(Level.ERROR, peer() + ": filter failed at " + event.libmilterName() + "; " + outcome, cause);
    }

    /** Names this connection in log lines: {@code milter session 12 from 127.0.0.1:41234}. */
    private String peer() {
        String from = info.mtaAddress() instanceof InetSocketAddress address
                ? address.getHostString() + ":" + address.getPort() : String.valueOf(info.mtaAddress());
        return "milter session " + info.id() + " from " + from;
    }

    /** The stage, if complete; {@code null} when pending or when its completion cannot be inspected. */
    private static <T> CompletableFuture<T> completed(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> future) {
            try {
                return future.isDone() ? future : null;
            } catch (UnsupportedOperationException e) {
                return null;  // CompletableFuture.minimalCompletionStage(): wait for it like any other stage
            }
        }
        return null;
    }
}
