package org.postern.daemon.it;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TCP proxy between Postfix and a milter (Postfix → proxy → Postern) that records every milter frame of both
 * directions, in the order they passed, one {@link Conversation} per milter connection.
 *
 * <p>It forwards frame by frame: a frame is read whole (its {@code u32} length, then that many bytes), recorded, then
 * written to the other side. Because a reply can only come after the command that caused it was forwarded, the
 * recorded order is the causal order. Frames longer than {@link #MAX_FRAME_BYTES} are not expected from Postfix or
 * Postern and end the conversation. Plain blocking sockets and two threads per connection: this is a test tool for a
 * handful of sessions, not a server.
 */
final class RecordingMilterProxy implements AutoCloseable {

    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    /** Which way a frame went. */
    enum Direction {
        /** MTA to milter: a command ({@code >} in transcripts). */
        TO_MILTER,
        /** Milter to MTA: a reply ({@code <} in transcripts). */
        TO_MTA
    }

    /** One frame as it was on the wire, length prefix included. */
    record Frame(Direction direction, byte[] bytes) {
        Frame {
            requireNonNull(direction, "direction");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** The frames of one milter connection; {@link #finished()} completes when both directions have closed. */
    static final class Conversation {
        private final List<Frame> frames = new ArrayList<>();
        private final CompletableFuture<List<Frame>> finished = new CompletableFuture<>();
        private final Socket mta;
        private final Socket milter;
        private int openDirections = 2;

        private Conversation(Socket mta, Socket milter) {
            this.mta = mta;
            this.milter = milter;
        }

        private synchronized void add(Frame frame) {
            frames.add(frame);
        }

        private void directionClosed() {
            List<Frame> all;
            synchronized (this) {
                if (--openDirections > 0) {
                    return;
                }
                all = List.copyOf(frames);
            }
            closeQuietly(mta);
            closeQuietly(milter);
            finished.complete(all);
        }

        /** The frames so far. */
        synchronized List<Frame> frames() {
            return List.copyOf(frames);
        }

        /** All frames, once Postfix and the milter have both closed the connection. */
        CompletableFuture<List<Frame>> finished() {
            return finished;
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "milter-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Conversation> conversations = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<CompletableFuture<Conversation>> waiting = new ArrayList<>();

    private RecordingMilterProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Listens on a free port of 127.0.0.1 and forwards each connection to {@code upstream}. */
    static RecordingMilterProxy start(InetSocketAddress upstream) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
            RecordingMilterProxy proxy = new RecordingMilterProxy(server, upstream);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    /** The port to give Postfix as its milter. */
    int port() {
        return server.getLocalPort();
    }

    /**
     * Waits for the {@code index}-th connection (0-based, in accept order) to be accepted and then for both sides to
     * close it; returns its frames.
     */
    List<Frame> awaitConversation(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Conversation> accepted;
        synchronized (this) {
            if (index < conversations.size()) {
                accepted = CompletableFuture.completedFuture(conversations.get(index));
            } else {
                while (waiting.size() <= index) {
                    waiting.add(new CompletableFuture<>());
                }
                accepted = waiting.get(index);
            }
        }
        try {
            Conversation c = accepted.get(remaining(deadline), TimeUnit.NANOSECONDS);
            return c.finished().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("milter conversation " + index + " did not finish within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the proxy failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many milter connections were accepted so far. */
    synchronized int conversationCount() {
        return conversations.size();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (this) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        threads.shutdownNow();
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private void acceptLoop() {
        try {
            acceptConnections();
        } catch (RuntimeException | Error e) {
            // Make the failure visible to the test thread instead of dying silently in a pool thread.
            synchronized (this) {
                while (waiting.size() <= conversations.size()) {
                    waiting.add(new CompletableFuture<>());
                }
                waiting.forEach(w -> w.completeExceptionally(e));
            }
            throw e;
        }
    }

    private void acceptConnections() {
        while (!server.isClosed()) {
            Socket mta;
            try {
                mta = server.accept();
            } catch (IOException e) {
                return;   // closed
            }
            Socket milter = new Socket();
            try {
                milter.connect(upstream, 5_000);
                mta.setTcpNoDelay(true);
                milter.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(mta);
                closeQuietly(milter);
                continue;
            }
            Conversation conversation = new Conversation(mta, milter);
            synchronized (this) {
                sockets.add(mta);
                sockets.add(milter);
                int index = conversations.size();
                conversations.add(conversation);
                if (index < waiting.size()) {
                    waiting.get(index).complete(conversation);
                }
            }
            threads.execute(() -> pump(mta, milter, Direction.TO_MILTER, conversation));
            threads.execute(() -> pump(milter, mta, Direction.TO_MTA, conversation));
        }
    }

    /**
     * Copies frames from {@code from} to {@code to} until EOF, recording each; then half-closes {@code to}, so the
     * other side sees the EOF too. The conversation closes both sockets once both directions are done.
     */
    private static void pump(Socket from, Socket to, Direction direction, Conversation conversation) {
        try {
            DataInputStream in = new DataInputStream(from.getInputStream());
            OutputStream out = to.getOutputStream();
            while (true) {
                byte[] frame = readFrame(in);
                if (frame == null) {
                    break;
                }
                conversation.add(new Frame(direction, frame));
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            // A reset or a frame we refuse ends this direction like an EOF; the recording keeps what passed.
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(to);
            }
            conversation.directionClosed();
        }
    }

    /** One whole frame, length prefix included; {@code null} at a clean EOF between frames. */
    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] prefix = new byte[4];
        int n = in.readNBytes(prefix, 0, 4);
        if (n == 0) {
            return null;
        }
        if (n < 4) {
            throw new EOFException("EOF inside a length prefix");
        }
        long length = ((prefix[0] & 0xffL) << 24) | ((prefix[1] & 0xff) << 16) | ((prefix[2] & 0xff) << 8)
                | (prefix[3] & 0xff);
        if (length < 1 || length > MAX_FRAME_BYTES) {
            throw new IOException("frame length " + length + " out of range");
        }
        byte[] frame = new byte[4 + (int) length];
        System.arraycopy(prefix, 0, frame, 0, 4);
        if (in.readNBytes(frame, 4, (int) length) < length) {
            throw new EOFException("EOF inside a frame");
        }
        return frame;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
