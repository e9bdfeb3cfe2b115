package org.postern.milter;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A milter server: accepts MTA connections on one TCP address and runs one {@code MilterSession} per connection on a
 * Netty event loop.
 *
 * <pre>
 * var address = new InetSocketAddress("127.0.0.1", 11332);
 * try (MilterServer server = MilterServer.start(address, MilterLimits.DEFAULT, factory)) {
 *     ...
 * }
 * </pre>
 *
 * <p>The server owns its threads: one acceptor thread and one worker event loop per available processor (NIO). Each
 * connection's pipeline is {@code MilterCommandDecoder}, {@code MilterReplyEncoder}, {@code MilterSession}, with
 * TCP_NODELAY set so an answer leaves at once (milter-protocol.md §1). An idle connection holds no buffers: the
 * decoder's cumulation is released once a frame is consumed and reads use Netty's default pooled, adaptive allocation.
 *
 * <p>Thread-safe: {@link #openConnections()} and {@link #close()} may be called from any thread.
 */
public final class MilterServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MilterServer.class.getName());

    /** How long {@link #close()} lets connections and event loops finish, in total at most about twice this. */
    private static final long CLOSE_WAIT_SECONDS = 3;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup channels;
    private final AtomicInteger openConnections;
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private volatile boolean closed;

    private MilterServer(EventLoopGroup boss, EventLoopGroup workers, ChannelGroup channels,
                         AtomicInteger openConnections, Channel serverChannel) {
        this.boss = boss;
        this.workers = workers;
        this.channels = channels;
        this.openConnections = openConnections;
        this.serverChannel = serverChannel;
        this.localAddress = (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Binds and starts serving. Port 0 picks a free port ({@link #localAddress()} tells which). Each connection gets a
     * {@link SessionInfo} with an id unique within this server (1, 2, 3, ...), and its own filter from
     * {@code factory}, created on the connection's event loop when the MTA's OPTNEG arrives.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound (message names the address)
     */
    public static MilterServer start(InetSocketAddress address, MilterLimits limits, MilterFilterFactory factory) {
        requireNonNull(address, "address");
        requireNonNull(limits, "limits");
        requireNonNull(factory, "factory");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("postern-milter-accept"), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("postern-milter"), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup("milter connections", GlobalEventExecutor.INSTANCE);
        AtomicInteger openConnections = new AtomicInteger();
        AtomicLong sessionIds = new AtomicLong();
        RefusalLog refused = new RefusalLog();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (openConnections.get() >= limits.maxConnections()) {
                            refused.warn(ch, limits.maxConnections());
                            ch.close();
                            return;
                        }
                        openConnections.incrementAndGet();
                        ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
                        channels.add(ch);
                        var info = new SessionInfo(sessionIds.incrementAndGet(), ch.remoteAddress(), ch.eventLoop());
                        ch.pipeline().addLast(new MilterCommandDecoder(limits), MilterReplyEncoder.INSTANCE,
                                new MilterSession(factory, limits, info));
                    }
                });
        ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdown(boss, workers);
            Throwable cause = bind.cause();
            String message = "cannot listen for milter connections on " + address + ": " + cause.getMessage();
            throw new UncheckedIOException(message,
                    cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause));
        }
        var server = new MilterServer(boss, workers, channels, openConnections, bind.channel());
        LOG.log(System.Logger.Level.INFO, () -> "milter server listening on " + server.localAddress);
        return server;
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Connections open right now. */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * Stops accepting, closes every connection and shuts the event loops down; waits at most a few seconds.
     * Idempotent. Each open connection's filter sees {@link MilterFilter#close()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        shutdown(boss, workers);
        LOG.log(System.Logger.Level.INFO, () -> "milter server on " + localAddress + " stopped");
    }

    /**
     * One WARN per refused connection would flood the log exactly when the server is overloaded; this writes at most
     * one line per {@link #INTERVAL_NANOS}, counting the refusals in between.
     */
    private static final class RefusalLog {
        private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
        private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
        private final AtomicLong suppressed = new AtomicLong();

        void warn(Channel ch, int max) {
            long now = System.nanoTime();
            long last = lastNanos.get();
            if (now - last >= INTERVAL_NANOS && lastNanos.compareAndSet(last, now)) {
                long more = suppressed.getAndSet(0);
                LOG.log(System.Logger.Level.WARNING, () -> "refusing milter connection from " + ch.remoteAddress()
                        + ": " + max + " connections open (milter.max_connections)"
                        + (more > 0 ? "; " + more + " more refused since the last warning" : ""));
            } else {
                suppressed.incrementAndGet();
            }
        }
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        Future<?> b = boss.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        Future<?> w = workers.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        b.awaitUninterruptibly(CLOSE_WAIT_SECONDS + 1, TimeUnit.SECONDS);
        w.awaitUninterruptibly(CLOSE_WAIT_SECONDS + 1, TimeUnit.SECONDS);
    }
}
