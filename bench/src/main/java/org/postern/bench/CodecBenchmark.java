package org.postern.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.postern.milter.CodecHandlers;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterFilterFactory;
import org.postern.milter.MilterLimits;
import org.postern.milter.MilterReply;
import org.postern.milter.SessionInfo;

/**
 * The milter codec on one whole conversation ({@link Conversation}: 52 command frames, 31 reply frames, 23,144 bytes
 * in and 653 out), through the production handlers that {@code MilterServer} puts in every pipeline.
 *
 * <p>Each benchmark op is one conversation; invocations run batches of {@value #CONVERSATIONS} on a Netty
 * {@code FastThreadLocalThread}, like the server's event loops (see {@link #onLoop}). Every MTA turn arrives as one
 * read, the way a socket read delivers it: the turn's bytes are copied into a direct buffer from the channel's
 * allocator (Netty 4.2's default adaptive allocator, as in the server) and fired through the pipeline with
 * {@code channelRead} and {@code channelReadComplete}. Replies are written and flushed per turn into a sink that
 * releases each buffer (the socket write itself is not measured).
 *
 * <ul>
 *   <li>{@link #decode}: {@code MilterCommandDecoder} alone; commands go to a blackhole.</li>
 *   <li>{@link #encode}: {@code MilterReplyEncoder} alone, every reply of the conversation.</li>
 *   <li>{@link #codec}: both in one pipeline, turn by turn: the codec cost of one message.</li>
 *   <li>{@link #session}: a new channel with decoder, encoder and {@code MilterSession} running a no-op filter
 *       (CONTINUE everywhere, the fixed end-of-message edits): what one SMTP session costs Postern's milter layer,
 *       channel set-up included.</li>
 *   <li>{@link #sessionChannelSetup}: only building and closing that channel, to subtract from {@link #session}.</li>
 * </ul>
 *
 * <p>Set-up replays the conversation once through each path and fails the run unless the decoded commands and the
 * reply bytes are exactly the expected ones.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class CodecBenchmark {  // not final: JMH generates a subclass of each @State class

    /** Conversations per JMH invocation, so that handing the batch to the loop thread costs next to nothing. */
    static final int CONVERSATIONS = 100;
    static final MilterLimits LIMITS = MilterLimits.DEFAULT;
    static final SessionInfo INFO = new SessionInfo(1, InetSocketAddress.createUnresolved("mta.example.test", 41234), Runnable::run);

    private final InboundSink commandSink = new InboundSink();
    private final OutboundSink replySink = new OutboundSink();
    private final MilterFilterFactory factory = new NoOpFilterFactory();

    private byte[][] wires;
    private MilterReply[][] replies;
    private List<MilterCommand> expectedCommands;
    private byte[] expectedReplyBytes;

    private ExecutorService loop;
    private EmbeddedChannel decodeChannel;
    private EmbeddedChannel encodeChannel;
    private EmbeddedChannel codecChannel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // DefaultThreadFactory makes FastThreadLocalThreads, as the server's event loop groups do.
        loop = Executors.newSingleThreadExecutor(new DefaultThreadFactory("bench-loop"));
        List<Conversation.Turn> turns = Conversation.turns();
        wires = turns.stream().map(Conversation.Turn::wire).toArray(byte[][]::new);
        replies = turns.stream().map(t -> t.replies().toArray(new MilterReply[0])).toArray(MilterReply[][]::new);
        expectedCommands = turns.stream().flatMap(t -> t.commands().stream()).toList();
        ByteArrayOutputStream replyBytes = new ByteArrayOutputStream();
        turns.stream().flatMap(t -> t.replies().stream()).map(CodecHandlers::replyFrames)
                .forEach(replyBytes::writeBytes);
        expectedReplyBytes = replyBytes.toByteArray();

        decodeChannel = new EmbeddedChannel(CodecHandlers.commandDecoder(LIMITS), commandSink);
        encodeChannel = new EmbeddedChannel(replySink, CodecHandlers.replyEncoder());
        codecChannel = new EmbeddedChannel(replySink, CodecHandlers.commandDecoder(LIMITS),
                CodecHandlers.replyEncoder(), commandSink);
        loop.submit(this::verify).get(60, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loop.shutdown();
        check(loop.awaitTermination(10, TimeUnit.SECONDS), "the loop thread did not stop");
        for (EmbeddedChannel ch : List.of(decodeChannel, encodeChannel, codecChannel)) {
            if (ch.finishAndReleaseAll()) {
                throw new IllegalStateException("messages left over in " + ch.pipeline().names());
            }
        }
        check(commandSink.failure == null, "decoder failed: " + commandSink.failure);
    }

    @Benchmark
    @OperationsPerInvocation(CONVERSATIONS)
    public void decode(Blackhole bh) throws Exception {
        onLoop(bh, this::decodeOne);
    }

    @Benchmark
    @OperationsPerInvocation(CONVERSATIONS)
    public void encode(Blackhole bh) throws Exception {
        onLoop(bh, this::encodeOne);
    }

    @Benchmark
    @OperationsPerInvocation(CONVERSATIONS)
    public void codec(Blackhole bh) throws Exception {
        onLoop(bh, this::codecOne);
    }

    @Benchmark
    @OperationsPerInvocation(CONVERSATIONS)
    public void session(Blackhole bh) throws Exception {
        onLoop(bh, this::sessionOne);
    }

    @Benchmark
    @OperationsPerInvocation(CONVERSATIONS)
    public void sessionChannelSetup(Blackhole bh) throws Exception {
        onLoop(bh, () -> {
            EmbeddedChannel ch = sessionChannel();
            ch.close();
            bh.consume(ch);
        });
    }

    /**
     * Runs {@link #CONVERSATIONS} conversations on the event-loop-like thread and waits for them. Netty takes its fast
     * paths (thread-local temporary arrays for strings read from direct buffers, allocator caches) only on a
     * {@code FastThreadLocalThread}, which a JMH worker is not; running there would measure costs the server's event
     * loops never pay. The hand-off is paid once per batch.
     */
    private void onLoop(Blackhole bh, Runnable conversation) throws Exception {
        commandSink.bh = bh;
        replySink.bh = bh;
        loop.submit(() -> {
            for (int i = 0; i < CONVERSATIONS; i++) {
                conversation.run();
            }
        }).get(60, TimeUnit.SECONDS);
    }

    private void decodeOne() {
        for (byte[] wire : wires) {
            read(decodeChannel, wire);
        }
    }

    private void encodeOne() {
        for (MilterReply[] turn : replies) {
            answer(encodeChannel, turn);
        }
    }

    private void codecOne() {
        for (int i = 0; i < wires.length; i++) {
            read(codecChannel, wires[i]);
            answer(codecChannel, replies[i]);
        }
    }

    private void sessionOne() {
        EmbeddedChannel ch = sessionChannel();
        for (byte[] wire : wires) {
            read(ch, wire);
        }
        check(!ch.isOpen(), "QUIT did not close the session");  // and the pipeline did not throw
    }

    private EmbeddedChannel sessionChannel() {
        return new EmbeddedChannel(replySink, CodecHandlers.commandDecoder(LIMITS), CodecHandlers.replyEncoder(),
                CodecHandlers.session(factory, LIMITS, INFO));
    }

    /** One socket read: the turn's bytes in a direct buffer from the channel's allocator, as NIO reads them. */
    private static void read(EmbeddedChannel ch, byte[] wire) {
        ByteBuf buf = ch.alloc().ioBuffer(wire.length);
        buf.writeBytes(wire);
        ch.pipeline().fireChannelRead(buf);
        ch.pipeline().fireChannelReadComplete();
    }

    /** The milter's answer to one turn: every reply written, then one flush (as the session does per answer). */
    private static void answer(EmbeddedChannel ch, MilterReply[] turn) {
        if (turn.length == 0) {
            return;
        }
        for (MilterReply reply : turn) {
            ch.write(reply, ch.voidPromise());
        }
        ch.flush();
    }

    /** Runs each path once, recording, and compares with what the conversation says. */
    private void verify() {
        List<Object> decoded = new ArrayList<>();
        commandSink.recorded = decoded;
        decodeOne();
        check(decoded.equals(expectedCommands), "decode: commands differ from the conversation");

        replySink.recorded = new ByteArrayOutputStream();
        encodeOne();
        checkReplies("encode");

        decoded.clear();
        replySink.recorded = new ByteArrayOutputStream();
        codecOne();
        check(decoded.equals(expectedCommands), "codec: commands differ from the conversation");
        checkReplies("codec");

        replySink.recorded = new ByteArrayOutputStream();
        sessionOne();
        checkReplies("session");

        commandSink.recorded = null;
        replySink.recorded = null;
        check(commandSink.failure == null, "decoder failed: " + commandSink.failure);
    }

    private void checkReplies(String path) {
        check(Arrays.equals(replySink.recorded.toByteArray(), expectedReplyBytes),
                path + ": reply bytes differ from the conversation (" + replySink.recorded.size() + " bytes, expected "
                        + expectedReplyBytes.length + ")");
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException(problem);
        }
    }

    /** End of the inbound pipeline: decoded commands go to the blackhole. */
    @Sharable
    static final class InboundSink extends ChannelInboundHandlerAdapter {
        Blackhole bh;
        List<Object> recorded;
        Throwable failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (recorded != null) {
                recorded.add(msg);
            } else {
                bh.consume(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // End of the pipeline: nothing to pass on.
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
        }
    }

    /** Where the socket would be: counts and releases each encoded buffer; flush ends here. */
    @Sharable
    static final class OutboundSink extends ChannelOutboundHandlerAdapter {
        Blackhole bh;
        ByteArrayOutputStream recorded;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (recorded != null) {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.getBytes(buf.readerIndex(), bytes);
                    recorded.writeBytes(bytes);
                } else {
                    bh.consume(buf.readableBytes());
                }
            } finally {
                buf.release();
            }
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // The socket write would happen here; it is not what is measured.
        }
    }
}
