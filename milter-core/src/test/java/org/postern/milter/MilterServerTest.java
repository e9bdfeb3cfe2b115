package org.postern.milter;

import static java.util.concurrent.CompletableFuture.supplyAsync;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server over real loopback sockets, with {@link MilterTestClient} as the MTA. */
class MilterServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final MilterCommand.Connect CONNECT =
            new MilterCommand.Connect("mail.example.test", MilterCommand.Family.INET, 41234, "192.0.2.10");

    private final Set<Long> sessionIds = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closes = new CountDownLatch(2);
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> new Thread(r, "filter-work"));
    private LogCapture log;

    /** Answers HELO from another thread, ACCEPTs with a header at end of message. */
    private final MilterFilterFactory factory = new MilterFilterFactory() {
        @Override
        public MilterOptions options() {
            return new MilterOptions(Set.of(ActionFlag.ADD_HEADERS), Set.of(), Map.of());
        }

        @Override
        public MilterFilter newFilter(SessionInfo session) {
            sessionIds.add(session.id());
            return new MilterFilter() {
                @Override
                public CompletionStage<MilterReply.Response> helo(MilterCommand.Helo helo, Macros macros) {
                    return supplyAsync(() -> helo.name().startsWith("bad") ? MilterReply.REJECT
                            : MilterReply.CONTINUE, work);
                }

                @Override
                public CompletionStage<EndOfMessageReply> endOfMessage(Macros macros) {
                    return supplyAsync(() -> new EndOfMessageReply(
                            List.of(new MilterReply.AddHeader("X-Scanned", "yes")), MilterReply.ACCEPT), work);
                }

                @Override
                public void close() {
                    closes.countDown();
                }
            };
        }
    };

    @BeforeEach
    void captureLog() {
        log = LogCapture.of(MilterSession.class);
    }

    @AfterEach
    void stop() {
        log.close();
        work.shutdownNow();
    }

    @Test
    void closesOnlyTheConnectionThatSentACorruptFrame() throws InterruptedException {
        try (MilterServer server = MilterServer.start(ANY_PORT, MilterLimits.DEFAULT, factory);
             MilterTestClient good = MilterTestClient.connect(server.localAddress());
             MilterTestClient bad = MilterTestClient.connect(server.localAddress())) {
            for (MilterTestClient mta : List.of(good, bad)) {
                assertEquals(new MilterReply.Negotiation(6, 0x1, 0, Map.of()),
                        mta.negotiate(MilterTestClient.POSTFIX_OFFER));
                mta.send(CONNECT);
                assertEquals(MilterReply.CONTINUE, mta.read());
            }
            awaitTrue(() -> server.openConnections() == 2);
            assertThat(sessionIds).hasSize(2);

            bad.sendRaw(Bytes.frame('Z'));
            assertTrue(bad.closedByPeer());

            good.send(new MilterCommand.Helo("client.example.test"));
            assertEquals(MilterReply.CONTINUE, good.read());
            good.send(new MilterCommand.Helo("bad.example.test"));
            assertEquals(MilterReply.REJECT, good.read());
            good.send(new MilterCommand.EndOfMessage());
            assertEquals(List.of(new MilterReply.AddHeader("X-Scanned", "yes"), MilterReply.ACCEPT),
                    good.readUntilResponse());
            awaitTrue(() -> server.openConnections() == 1);

            good.send(new MilterCommand.Abort(), new MilterCommand.Quit());
            assertTrue(good.closedByPeer());
            awaitTrue(() -> server.openConnections() == 0);
            assertTrue(closes.await(10, TimeUnit.SECONDS));
            assertThat(log.messages(Level.WARNING)).singleElement().asString()
                    .contains("protocol error: unknown command letter 0x5a ('Z')");
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitAndServesAgainWhenOneCloses() {
        var limits = new MilterLimits(1 << 20, java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(30), 2);
        var serverLog = LogCapture.of(MilterServer.class);
        try (serverLog; MilterServer server = MilterServer.start(ANY_PORT, limits, factory);
             MilterTestClient one = MilterTestClient.connect(server.localAddress());
             MilterTestClient two = MilterTestClient.connect(server.localAddress())) {
            one.negotiate(MilterTestClient.POSTFIX_OFFER);
            two.negotiate(MilterTestClient.POSTFIX_OFFER);
            try (MilterTestClient third = MilterTestClient.connect(server.localAddress())) {
                assertTrue(third.closedByPeer());
            }
            assertThat(serverLog.messages(Level.WARNING)).singleElement().asString()
                    .contains("2 connections open (milter.max_connections)");
            one.send(new MilterCommand.Quit());
            assertTrue(one.closedByPeer());
            awaitTrue(() -> server.openConnections() == 1);
            try (MilterTestClient fourth = MilterTestClient.connect(server.localAddress())) {
                assertEquals(new MilterReply.Negotiation(6, 0x1, 0, Map.of()),
                        fourth.negotiate(MilterTestClient.POSTFIX_OFFER));
            }
        }
    }

    @Test
    void closeEndsOpenConnectionsAndClosesTheirFilters() throws InterruptedException {
        MilterServer server = MilterServer.start(ANY_PORT, MilterLimits.DEFAULT, factory);
        try (MilterTestClient one = MilterTestClient.connect(server.localAddress());
             MilterTestClient two = MilterTestClient.connect(server.localAddress())) {
            one.negotiate(MilterTestClient.POSTFIX_OFFER);
            two.negotiate(MilterTestClient.POSTFIX_OFFER);
            server.close();
            assertTrue(one.closedByPeer());
            assertTrue(two.closedByPeer());
            assertTrue(closes.await(10, TimeUnit.SECONDS));
            assertEquals(0, server.openConnections());
            server.close();  // idempotent
        }
    }

    @Test
    void refusesToStartOnAnAddressInUseAndNamesIt() {
        try (MilterServer server = MilterServer.start(ANY_PORT, MilterLimits.DEFAULT, factory)) {
            InetSocketAddress taken = server.localAddress();
            assertThatThrownBy(() -> MilterServer.start(taken, MilterLimits.DEFAULT, factory))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getPort());
        }
    }

    @Test
    void holdsAThousandIdleConnectionsInLittleMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        assumeTrue(os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 2500,
                "needs 2000 file descriptors");
        Runtime rt = Runtime.getRuntime();
        List<MilterTestClient> clients = new ArrayList<>();
        try (MilterServer server = MilterServer.start(ANY_PORT, MilterLimits.DEFAULT, factory)) {
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            for (int i = 0; i < 1000; i++) {
                MilterTestClient mta = MilterTestClient.connect(server.localAddress(), Duration.ofSeconds(30));
                clients.add(mta);
                mta.negotiate(MilterTestClient.POSTFIX_OFFER);
                mta.send(CONNECT);
                assertEquals(MilterReply.CONTINUE, mta.read());
            }
            awaitTrue(() -> server.openConnections() == 1000);
            System.gc();
            long perConnection = (rt.totalMemory() - rt.freeMemory() - before) / 1000;
            // Both ends live in this JVM; the bound is loose on purpose (the real check is -Xmx in bench/).
            assertThat(perConnection).as("heap bytes per idle connection, both ends").isLessThan(64 * 1024);
        } finally {
            clients.forEach(MilterTestClient::close);
        }
    }

    /** Polls without sleeping, for at most ten seconds (state that another thread updates, e.g. a close). */
    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}
