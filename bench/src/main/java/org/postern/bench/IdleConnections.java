package org.postern.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterLimits;
import org.postern.milter.MilterReply;
import org.postern.milter.MilterServer;
import org.postern.milter.MilterTestClient;

/**
 * How much heap the milter server needs to hold N idle MTA connections (issue 2: 1000 connections under 256 MB).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.postern.bench.IdleConnections [N]     (default 1000)
 * </pre>
 *
 * <p>The server runs in a child JVM ({@code -Xmx256m -XX:+ExitOnOutOfMemoryError}, same java and class path) so that
 * the client sockets of this process do not count in its heap. The child starts a {@link MilterServer} on
 * 127.0.0.1:0 with a no-op filter and answers one-line commands on stdin ({@code open}, {@code memory},
 * {@code quit}) on stdout. This process then:
 *
 * <ol>
 *   <li>warms the server up with a few connections that negotiate and close, and takes the baseline heap;</li>
 *   <li>opens N connections, each completing OPTNEG, CONNECT and HELO exactly as {@link Conversation} (Postfix's
 *       frames and macros), checking every reply, and leaves them idle;</li>
 *   <li>checks that the server reports N open connections, has it run {@code System.gc()} and report heap used
 *       (and, for context, Netty's and the JDK's direct memory and the process RSS), then checks again that all
 *       N are open;</li>
 *   <li>prints one figure line and closes everything it opened.</li>
 * </ol>
 *
 * <p>Exit status 0 when all went well and heap used is under 256 MiB; 1 when the server died (for example of
 * OutOfMemoryError), a connection failed, the count is wrong, the heap is at or over the limit, or the run took longer
 * than {@link #RUN_LIMIT}; 2 for a bad argument. MB here means MiB (2^20 bytes), KB KiB.
 */
public final class IdleConnections {

    static final long HEAP_LIMIT_BYTES = 256L << 20;
    static final Duration RUN_LIMIT = Duration.ofSeconds(55);
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    static final int WARM_UP_CONNECTIONS = 20;

    private static final String EOF = "\u0000eof";

    private final int connections;
    private final long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    private final List<MilterTestClient> clients = new ArrayList<>();
    private Process server;
    private PrintWriter toServer;
    private final BlockingQueue<String> fromServer = new LinkedBlockingQueue<>();
    private Path serverLog;

    private IdleConnections(int connections) {
        this.connections = connections;
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("server")) {
            serve();
            return;
        }
        int n;
        try {
            n = args.length == 0 ? 1000 : Integer.parseInt(args[0]);
            if (args.length > 1 || n < 1 || n > 20_000) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println("usage: IdleConnections [N]   (N connections, 1..20000, default 1000)");
            System.exit(2);
            return;
        }
        System.exit(new IdleConnections(n).run());
    }

    // -- the measuring side ------------------------------------------------------------------------------------------

    private int run() {
        try {
            startServer();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(ask(null, "port")));

            for (int i = 0; i < WARM_UP_CONNECTIONS; i++) {
                try (MilterTestClient client = handshake(address)) {
                    client.send(new MilterCommand.Quit());
                }
            }
            awaitOpen(0);
            Memory baseline = Memory.parse(ask("memory", "memory"));

            long started = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                checkDeadline("opening connection " + (i + 1));
                try {
                    clients.add(handshake(address));
                } catch (RuntimeException e) {
                    String cause = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
                    boolean died = server.waitFor(1, TimeUnit.SECONDS);  // a reset may be the server dying
                    return fail(died ? "the server died" + exitStatus() + " while opening connection " + (i + 1)
                            : "connection " + (i + 1) + ": " + e.getMessage() + cause);
                }
            }
            double openSeconds = (System.nanoTime() - started) / 1e9;
            int open = Integer.parseInt(ask("open", "open"));
            if (open != connections) {
                return fail("the server reports " + open + " open connections, expected " + connections);
            }
            Memory idle = Memory.parse(ask("memory", "memory"));
            int stillOpen = Integer.parseInt(ask("open", "open"));
            if (stillOpen != connections) {
                return fail("after GC the server reports " + stillOpen + " open connections, expected "
                        + connections);
            }

            double perConnectionKb = (idle.heapUsed - baseline.heapUsed) / 1024.0 / connections;
            System.out.printf(Locale.ROOT, "idle_connections=%d heap_used_mb=%.1f per_connection_kb=%.2f"
                            + " baseline_heap_mb=%.1f netty_direct_mb=%.1f jdk_direct_mb=%.1f rss_mb=%.1f"
                            + " server_xmx_mb=256 open_s=%.2f%n",
                    connections, mb(idle.heapUsed), perConnectionKb, mb(baseline.heapUsed), mb(idle.nettyDirect),
                    mb(idle.jdkDirect), idle.rssKb / 1024.0, openSeconds);
            if (idle.heapUsed >= HEAP_LIMIT_BYTES) {
                return fail("heap used " + mb(idle.heapUsed) + " MB is at or over the limit of 256 MB");
            }
            return 0;
        } catch (RuntimeException | IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            stop();
        }
    }

    /** Opens one connection and brings it to the idle state after HELO, checking every reply. */
    private static MilterTestClient handshake(InetSocketAddress address) {
        MilterTestClient client = MilterTestClient.connect(address, REPLY_TIMEOUT);
        try {
            for (Conversation.Turn turn : Conversation.turns().subList(0, 3)) {  // OPTNEG, CONNECT, HELO
                client.sendRaw(turn.wire());
                for (MilterReply expected : turn.replies()) {
                    MilterReply reply = client.read();
                    if (!reply.equals(expected)) {
                        throw new IllegalStateException("expected " + expected + ", got " + reply);
                    }
                }
            }
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void startServer() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        serverLog = Files.createTempFile("postern-idle-server", ".log");
        server = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), IdleConnections.class.getName(), "server")
                .redirectError(serverLog.toFile())
                .start();
        toServer = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    fromServer.add(line);
                }
            } catch (IOException e) {
                // The server went away; the EOF below says so.
            } finally {
                fromServer.add(EOF);
            }
        }, "idle-server-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends {@code command} (unless null) and returns the value of the server's {@code key=value} answer. */
    private String ask(String command, String key) throws InterruptedException {
        if (command != null) {
            toServer.println(command);
        }
        long wait = Math.min(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(20));
        String line = fromServer.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
        if (line == null) {
            throw new IllegalStateException("the server did not answer '" + (command == null ? key : command)
                    + "' in time");
        }
        if (line.equals(EOF)) {
            throw new IllegalStateException("the server died" + exitStatus());
        }
        if (!line.startsWith(key + "=")) {
            throw new IllegalStateException("unexpected answer from the server: " + line);
        }
        return line.substring(key.length() + 1);
    }

    private void awaitOpen(int expected) throws InterruptedException {
        for (int tries = 0; ; tries++) {
            int open = Integer.parseInt(ask("open", "open"));
            if (open == expected) {
                return;
            }
            if (tries == 100) {
                throw new IllegalStateException("the server still reports " + open + " open connections, expected "
                        + expected);
            }
            Thread.sleep(20);  // polling another process's state: there is nothing to wait on
        }
    }

    private void checkDeadline(String doing) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("out of time (" + RUN_LIMIT.toSeconds() + " s) while " + doing);
        }
    }

    private String exitStatus() {
        try {
            if (server.waitFor(5, TimeUnit.SECONDS)) {
                return " (exit status " + server.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private int fail(String problem) {
        System.out.println("idle_connections=" + connections + " FAILED: " + problem);
        try {
            if (serverLog != null && Files.size(serverLog) > 0) {
                List<String> log = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
                System.out.println("server stderr (last lines):");
                log.subList(Math.max(0, log.size() - 20), log.size()).forEach(l -> System.out.println("  " + l));
            }
        } catch (IOException e) {
            System.out.println("(cannot read the server log " + serverLog + ": " + e.getMessage() + ")");
        }
        return 1;
    }

    /** Closes every client, asks the server to quit, and makes sure it is gone. */
    private void stop() {
        clients.forEach(MilterTestClient::close);
        clients.clear();
        if (server != null) {
            toServer.println("quit");
            try {
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (serverLog != null) {
            try {
                Files.deleteIfExists(serverLog);
            } catch (IOException e) {
                System.err.println("cannot delete " + serverLog + ": " + e.getMessage());
            }
        }
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** What the server reports for {@code memory}. */
    private record Memory(long heapUsed, long nettyDirect, long jdkDirect, long rssKb) {
        static Memory parse(String answer) {
            String[] f = answer.split(",");
            return new Memory(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }

    // -- the server side (child JVM) ---------------------------------------------------------------------------------

    /**
     * Runs the server until {@code quit} or end of input. Answers: {@code port=P} at start, {@code open=N},
     * {@code memory=heapUsedBytes,nettyDirectBytes,jdkDirectBytes,rssKb} (heap after {@code System.gc()}).
     */
    private static void serve() {
        var address = new InetSocketAddress("127.0.0.1", 0);
        MilterLimits d = MilterLimits.DEFAULT;
        // No connection cap here: the program measures how many the heap holds, not milter.max_connections.
        var limits = new MilterLimits(d.maxFrameBytes(), d.progressInterval(), d.negotiationTimeout(), 1_000_000);
        try (MilterServer server = MilterServer.start(address, limits, new NoOpFilterFactory());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("port=" + server.localAddress().getPort());
            System.out.flush();
            for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                switch (line) {
                    case "open" -> System.out.println("open=" + server.openConnections());
                    case "memory" -> System.out.println("memory=" + heapAfterGc() + "," + nettyDirectUsed() + ","
                            + jdkDirectUsed() + "," + rssKb().orElse(-1L));
                    default -> System.out.println("error=unknown command " + line);
                }
                System.out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long heapAfterGc() {
        // Two full collections: the first may only queue finalizable and reference-processed objects.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Direct memory held by Netty's default allocator (outside the JDK's accounting), or -1. */
    private static long nettyDirectUsed() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : -1;
    }

    /** The JDK's direct buffer pool ({@code ByteBuffer.allocateDirect}, NIO's temporary buffers), or -1. */
    private static long jdkDirectUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    /** VmRSS from /proc (Linux), in KiB. */
    private static Optional<Long> rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
