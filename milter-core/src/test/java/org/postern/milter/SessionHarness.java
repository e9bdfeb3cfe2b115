package org.postern.milter;

import static java.util.concurrent.CompletableFuture.completedFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link MilterSession} in an {@link EmbeddedChannel} with the real codec around it, a scripted filter per session,
 * and a recorder that groups the replies by flush.
 */
final class SessionHarness {

    static final MilterLimits LIMITS = new MilterLimits(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 4096);
    static final SessionInfo INFO = new SessionInfo(7, InetSocketAddress.createUnresolved("mta.example.test", 4242), Runnable::run);

    /** A filter that records each call (and its macros and thread) and answers from a script. */
    static final class ScriptedFilter implements MilterFilter {
        final List<String> calls = new ArrayList<>();
        final Map<String, Macros> macros = new HashMap<>();
        final Map<String, Thread> threads = new HashMap<>();
        final Map<String, Supplier<CompletionStage<MilterReply.Response>>> answers = new HashMap<>();
        Supplier<CompletionStage<EndOfMessageReply>> endOfMessage = () -> completedFuture(EndOfMessageReply.ACCEPT);
        Negotiated negotiated;
        RuntimeException negotiatedFailure;
        int closes;

        private CompletionStage<MilterReply.Response> answer(String event, String detail, Macros m) {
            calls.add(detail == null ? event : event + " " + detail);
            macros.put(event, m);
            threads.put(event, Thread.currentThread());
            return answers.getOrDefault(event, () -> CONTINUE).get();
        }

        @Override
        public void negotiated(Negotiated negotiated) {
            this.negotiated = negotiated;
            calls.add("negotiated");
            if (negotiatedFailure != null) {
                throw negotiatedFailure;
            }
        }

        @Override
        public CompletionStage<MilterReply.Response> connect(MilterCommand.Connect connect, Macros m) {
            return answer("connect", connect.hostname(), m);
        }

        @Override
        public CompletionStage<MilterReply.Response> helo(MilterCommand.Helo helo, Macros m) {
            return answer("helo", helo.name(), m);
        }

        @Override
        public CompletionStage<MilterReply.Response> mail(MilterCommand.Mail mail, Macros m) {
            return answer("mail", mail.sender(), m);
        }

        @Override
        public CompletionStage<MilterReply.Response> rcpt(MilterCommand.Rcpt rcpt, Macros m) {
            return answer("rcpt", rcpt.recipient(), m);
        }

        @Override
        public CompletionStage<MilterReply.Response> data(Macros m) {
            return answer("data", null, m);
        }

        @Override
        public CompletionStage<MilterReply.Response> header(MilterCommand.Header header, Macros m) {
            return answer("header", header.name(), m);
        }

        @Override
        public CompletionStage<MilterReply.Response> endOfHeaders(Macros m) {
            return answer("eoh", null, m);
        }

        @Override
        public CompletionStage<MilterReply.Response> body(MilterCommand.Body body, Macros m) {
            return answer("body", Integer.toString(body.chunk().remaining()), m);
        }

        @Override
        public CompletionStage<EndOfMessageReply> endOfMessage(Macros m) {
            calls.add("eom");
            macros.put("eom", m);
            return endOfMessage.get();
        }

        @Override
        public CompletionStage<MilterReply.Response> unknown(MilterCommand.Unknown unknown, Macros m) {
            return answer("unknown", unknown.command(), m);
        }

        @Override
        public void abort(Macros m) {
            calls.add("abort");
            macros.put("abort", m);
        }

        @Override
        public void close() {
            calls.add("close");
            closes++;
        }
    }

    /** Records outbound replies, grouped by the flush that sent them. */
    static final class FlushRecorder extends ChannelOutboundHandlerAdapter {
        final List<List<MilterReply>> flushes = new ArrayList<>();
        private final List<MilterReply> unflushed = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            for (int at = buf.readerIndex(); at < buf.writerIndex(); ) {
                int length = buf.getInt(at);
                unflushed.add(MilterReplyDecoder.decodeFrame(buf.slice(at + 4, length)));
                at += 4 + length;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.add(List.copyOf(unflushed));
            unflushed.clear();
            ctx.flush();
        }
    }

    final List<ScriptedFilter> filters = new ArrayList<>();
    final FlushRecorder recorder = new FlushRecorder();
    final EmbeddedChannel ch;
    private int flushesRead;

    SessionHarness(MilterOptions options, Consumer<ScriptedFilter> script) {
        MilterFilterFactory factory = new MilterFilterFactory() {
            @Override
            public MilterOptions options() {
                return options;
            }

            @Override
            public MilterFilter newFilter(SessionInfo session) {
                ScriptedFilter filter = new ScriptedFilter();
                script.accept(filter);
                filters.add(filter);
                return filter;
            }
        };
        ch = new EmbeddedChannel(recorder, new MilterCommandDecoder(LIMITS), MilterReplyEncoder.INSTANCE,
                new MilterSession(factory, LIMITS, INFO));
    }

    SessionHarness(MilterOptions options) {
        this(options, f -> {});
    }

    ScriptedFilter filter() {
        return filters.get(filters.size() - 1);
    }

    MilterSession session() {
        return ch.pipeline().get(MilterSession.class);
    }

    void send(MilterCommand... commands) {
        ch.writeInbound(Unpooled.wrappedBuffer(MilterCommandEncoder.frames(commands)));
    }

    void sendRaw(byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** Sends Postfix's offer and returns the answer. */
    MilterReply.Negotiation negotiate() {
        send(MilterTestClient.POSTFIX_OFFER);
        List<MilterReply> replies = replies();
        if (replies.size() != 1 || !(replies.get(0) instanceof MilterReply.Negotiation n)) {
            throw new AssertionError("expected one OPTNEG answer, got " + replies);
        }
        return n;
    }

    /** The replies flushed since the last call, in order. */
    List<MilterReply> replies() {
        return newFlushes().stream().flatMap(List::stream).toList();
    }

    /** The flush groups since the last call. */
    List<List<MilterReply>> newFlushes() {
        releaseOutbound();
        List<List<MilterReply>> fresh = List.copyOf(recorder.flushes.subList(flushesRead, recorder.flushes.size()));
        flushesRead = recorder.flushes.size();
        return fresh;
    }

    /** Drops the encoded buffers the channel holds (the recorder already decoded them). */
    void releaseOutbound() {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Closes the channel; true if anything was left unread (which a test should treat as failure). */
    boolean finish() {
        releaseOutbound();
        return ch.finish();
    }
}
