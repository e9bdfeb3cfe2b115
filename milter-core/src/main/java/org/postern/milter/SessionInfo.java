package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.net.SocketAddress;
import java.util.concurrent.Executor;

/**
 * Who is on the other end of a milter connection, and where its session runs.
 *
 * @param id         our own id for the connection, unique within a server (for log lines)
 * @param mtaAddress the MTA's socket address; may be null only in tests that have no socket
 * @param eventLoop  the connection's event loop: a filter hops back onto it (for example with
 *                   {@code thenApplyAsync(fn, eventLoop)}) before it touches its own state from a callback that
 *                   completes on another thread
 */
public record SessionInfo(long id, SocketAddress mtaAddress, Executor eventLoop) {

    public SessionInfo {
        requireNonNull(eventLoop, "eventLoop");
    }
}
