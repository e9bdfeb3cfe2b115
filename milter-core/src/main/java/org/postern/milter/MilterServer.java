package org.postern.milter;

import java.net.InetSocketAddress;

/**
 * A milter server: accepts MTA connections on one TCP address and runs one {@code MilterSession} per connection on a
 * Netty event loop.
 *
 * <pre>
 * try (MilterServer server = MilterServer.start(new InetSocketAddress("127.0.0.1", 11332), MilterLimits.DEFAULT, factory)) {
 *     ...
 * }
 * </pre>
 */
public final class MilterServer implements AutoCloseable {
    // Implemented in the milter-core issue work; see MilterSession.

    private MilterServer() {}

    /**
     * Binds and starts serving. Port 0 picks a free port ({@link #localAddress()} tells which).
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound (message names the address)
     */
    public static MilterServer start(InetSocketAddress address, MilterLimits limits, MilterFilterFactory factory) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Connections open right now. */
    public int openConnections() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops accepting, closes every connection and shuts the event loops down; waits at most a few seconds. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
