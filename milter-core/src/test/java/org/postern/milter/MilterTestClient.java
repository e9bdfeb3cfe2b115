package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking client that speaks as the MTA over a real socket: sends {@link MilterCommand}s (or raw bytes) and reads
 * {@link MilterReply}s, every read bounded by a timeout. For tests only (published in the test-jar for {@code daemon/}
 * and {@code bench/}); not thread-safe, use one per thread.
 *
 * <pre>
 * try (MilterTestClient mta = MilterTestClient.connect(server.localAddress())) {
 *     MilterReply.Negotiation answer = mta.negotiate(MilterTestClient.POSTFIX_OFFER);
 *     mta.send(new MilterCommand.Helo("client.example.test"));
 *     assertEquals(MilterReply.CONTINUE, mta.read());
 * }
 * </pre>
 *
 * <p>Failures are {@link UncheckedIOException}s: a read that times out says how long it waited, a connection closed
 * before a whole frame arrived says so.
 */
public final class MilterTestClient implements AutoCloseable {

    /** What Postfix 3.7 offers on every connection (milter-protocol.md §3.1): v6, actions 0x1ff, protocol 0x1fffff. */
    public static final MilterCommand.Negotiate POSTFIX_OFFER = new MilterCommand.Negotiate(6, 0x1ff, 0x1fffff);

    /** Timeout for connecting and for each read unless given otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_REPLY_FRAME = 16 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Duration timeout;

    private MilterTestClient(Socket socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.timeout = timeout;
    }

    /** Connects with {@link #DEFAULT_TIMEOUT}. */
    public static MilterTestClient connect(InetSocketAddress address) {
        return connect(address, DEFAULT_TIMEOUT);
    }

    /** Connects; {@code timeout} bounds the connect and every later read. */
    public static MilterTestClient connect(InetSocketAddress address, Duration timeout) {
        requireNonNull(address, "address");
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, Math.toIntExact(timeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            return new MilterTestClient(socket, timeout);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to milter at " + address, e);
        }
    }

    /** Sends the commands' frames in one write. */
    public void send(MilterCommand... commands) {
        sendRaw(MilterCommandEncoder.frames(commands));
    }

    /** Sends bytes as they are (for malformed frames). */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + bytes.length + " bytes", e);
        }
    }

    /** Sends an OPTNEG offer and reads the answer. */
    public MilterReply.Negotiation negotiate(MilterCommand.Negotiate offer) {
        send(offer);
        MilterReply reply = read();
        if (!(reply instanceof MilterReply.Negotiation negotiation)) {
            throw new IllegalStateException("expected the OPTNEG answer, got " + reply);
        }
        return negotiation;
    }

    /** Reads the next reply frame, waiting at most the client's timeout. */
    public MilterReply read() {
        try {
            int length = in.readInt();
            if (length <= 0 || length > MAX_REPLY_FRAME) {
                throw new IOException("reply frame length " + Integer.toUnsignedString(length) + " out of bounds");
            }
            byte[] frame = new byte[length];
            in.readFully(frame);
            return MilterReplyDecoder.decodeFrame(frame);
        } catch (SocketTimeoutException e) {
            throw new UncheckedIOException("no reply within " + timeout, e);
        } catch (EOFException e) {
            throw new UncheckedIOException("the milter closed the connection", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a reply", e);
        }
    }

    /** Reads replies up to and including the next {@link MilterReply.Response} (PROGRESS and modifications first). */
    public List<MilterReply> readUntilResponse() {
        List<MilterReply> replies = new ArrayList<>();
        MilterReply reply;
        do {
            reply = read();
            replies.add(reply);
        } while (!(reply instanceof MilterReply.Response));
        return replies;
    }

    /**
     * Whether the milter closes the connection within the timeout without sending anything more: {@code true} on
     * end of stream or reset, {@code false} on timeout.
     *
     * @throws IllegalStateException when a byte arrives instead
     */
    public boolean closedByPeer() {
        try {
            int b = in.read();
            if (b >= 0) {
                throw new IllegalStateException("expected the milter to close, but it sent data");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;  // connection reset
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test socket: nothing useful to do with a failure.
        }
    }
}
