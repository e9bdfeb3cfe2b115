package org.postern.milter;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postern.milter.Bytes.concat;
import static org.postern.milter.Bytes.cstr;
import static org.postern.milter.Bytes.frame;
import static org.postern.milter.Bytes.hex;
import static org.postern.milter.Bytes.u32;
import static org.postern.milter.Bytes.u8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.milter.MilterCommand.Abort;
import org.postern.milter.MilterCommand.Body;
import org.postern.milter.MilterCommand.Connect;
import org.postern.milter.MilterCommand.Data;
import org.postern.milter.MilterCommand.EndOfHeaders;
import org.postern.milter.MilterCommand.EndOfMessage;
import org.postern.milter.MilterCommand.Family;
import org.postern.milter.MilterCommand.Header;
import org.postern.milter.MilterCommand.Helo;
import org.postern.milter.MilterCommand.Macro;
import org.postern.milter.MilterCommand.Mail;
import org.postern.milter.MilterCommand.Negotiate;
import org.postern.milter.MilterCommand.Quit;
import org.postern.milter.MilterCommand.QuitNewConnection;
import org.postern.milter.MilterCommand.Rcpt;
import org.postern.milter.MilterCommand.Unknown;
import org.postern.milter.SessionHarness.ScriptedFilter;

class MilterSessionTest {

    private static final MilterOptions HEADERS = new MilterOptions(
            EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS, ActionFlag.QUARANTINE),
            Set.of(), Map.of());

    /** Every NR_* flag: Postfix waits only at end of message (milter-protocol.md §3.3). */
    private static final Set<ProtocolFlag> ALL_NO_REPLY = EnumSet.of(ProtocolFlag.NR_CONNECT, ProtocolFlag.NR_HELO,
            ProtocolFlag.NR_MAIL, ProtocolFlag.NR_RCPT, ProtocolFlag.NR_DATA, ProtocolFlag.NR_HEADER,
            ProtocolFlag.NR_END_OF_HEADERS, ProtocolFlag.NR_BODY, ProtocolFlag.NR_UNKNOWN);

    private static final Connect CONNECT = new Connect("mail.example.test", Family.INET, 41234, "192.0.2.10");
    private static final Body CHUNK = new Body(ByteBuffer.wrap(Bytes.latin1("Hello\r\n")));

    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.of(MilterSession.class);
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    // -- negotiation -------------------------------------------------------------------------------------------------

    @Test
    void answersPostfixOfferWithTheIntersectionAndMacroLists() {
        var options = new MilterOptions(EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS,
                ActionFlag.QUARANTINE),
                EnumSet.of(ProtocolFlag.SKIP, ProtocolFlag.NR_HEADER, ProtocolFlag.NR_END_OF_HEADERS,
                        ProtocolFlag.NR_BODY),
                Map.of(MacroStage.CONNECT, List.of("{client_addr}", "{client_port}"),
                        MacroStage.END_OF_MESSAGE, List.of("i", "{auth_authen}")));
        var h = new SessionHarness(options);
        h.sendRaw(hex("0000000d 4f 00000006 000001ff 001fffff"));  // Postfix 3.7's offer, byte for byte
        h.releaseOutbound();
        // SETSYMLIST (0x100) is added because macro lists are requested: 0x01 | 0x10 | 0x20 | 0x100.
        byte[] expected = frame('O', u32(6), u32(0x131), u32(0xc0480),
                u32(0), cstr("{client_addr} {client_port}"), u32(5), cstr("i {auth_authen}"));
        assertEquals(List.of(List.of(MilterReplyDecoder.decodeFrame(Arrays.copyOfRange(expected, 4,
                expected.length)))), h.newFlushes());
        assertEquals(hex(expected), hex(Transcript.toWire(new Transcript.Reply(h.recorder.flushes.get(0).get(0)))));
        assertEquals(new Negotiated(6, EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS,
                ActionFlag.QUARANTINE, ActionFlag.SET_SYMBOL_LIST), options.protocol()), h.filter().negotiated);
        assertThat(log.messages(Level.WARNING)).isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void writesTheOptnegAnswerBytesExactly() {
        var h = new SessionHarness(HEADERS);
        EmbeddedChannel ch = h.ch;
        ch.writeInbound(Unpooled.wrappedBuffer(hex("0000000d 4f 00000006 000001ff 001fffff")));
        ByteBuf out = ch.readOutbound();
        assertEquals("0000000d4f000000060000003100000000", ByteBufUtil.hexDump(out));
        out.release();
        assertFalse(h.finish());
    }

    @Test
    void answersTheLowerOfSixAndTheOfferedVersion() {
        var old = new SessionHarness(HEADERS);
        old.send(new Negotiate(2, 0x3f, 0x7f));
        assertEquals(List.of(new MilterReply.Negotiation(2, 0x31, 0, Map.of())), old.replies());
        assertFalse(old.finish());

        var future = new SessionHarness(HEADERS);
        future.send(new Negotiate(7, 0x1ff, 0x1fffff));
        assertEquals(List.of(new MilterReply.Negotiation(6, 0x31, 0, Map.of())), future.replies());
        assertFalse(future.finish());
    }

    @Test
    void closesWhenTheOfferedVersionIsBelowTwo() {
        var h = new SessionHarness(HEADERS);
        h.send(new Negotiate(1, 0x1ff, 0x1fffff));
        assertThat(h.replies()).isEmpty();
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("milter session 7 from mta.example.test").contains("version 1, at least 2 is needed");
        assertThat(h.filters).isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void warnsAboutWantedActionsTheMtaDoesNotOffer() {
        var options = new MilterOptions(EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_BODY), Set.of(),
                Map.of(MacroStage.CONNECT, List.of("{client_addr}")));
        var h = new SessionHarness(options);
        h.send(new Negotiate(6, 0x1, 0x1fffff));
        assertEquals(List.of(new MilterReply.Negotiation(6, 0x1, 0, Map.of())), h.replies(),
                "no macro lists without SETSYMLIST on both sides");
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("CHANGE_BODY").contains("SET_SYMBOL_LIST").doesNotContain("ADD_HEADERS");
        assertFalse(h.finish());
    }

    @Test
    void answersOptnegEvenWhenNegotiatedThrows() {
        var h = new SessionHarness(HEADERS, f -> f.negotiatedFailure = new IllegalStateException("bug"));
        assertEquals(0x31, h.negotiate().actions());
        assertThat(log.messages(Level.SEVERE)).singleElement().asString().contains("SMFIC_OPTNEG");
        h.send(CONNECT);
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void closesWithOneErrorWhenTheFactoryFails() {
        MilterFilterFactory broken = new MilterFilterFactory() {
            @Override
            public MilterOptions options() {
                return HEADERS;
            }

            @Override
            public MilterFilter newFilter(SessionInfo session) {
                throw new IllegalStateException("no filter today");
            }
        };
        var ch = new EmbeddedChannel(new MilterCommandDecoder(SessionHarness.LIMITS), MilterReplyEncoder.INSTANCE,
                new MilterSession(broken, SessionHarness.LIMITS, SessionHarness.INFO));
        ch.writeInbound(Unpooled.wrappedBuffer(MilterCommandEncoder.frame(MilterTestClient.POSTFIX_OFFER)));
        assertFalse(ch.isOpen());
        assertThat(log.records(Level.SEVERE)).singleElement()
                .satisfies(r -> assertThat(r.getThrown()).hasMessage("no filter today"));
        assertFalse(ch.finish());
    }

    @Test
    void closesWhenNoOptnegArrivesInTime() {
        var h = new SessionHarness(HEADERS);
        h.ch.advanceTimeBy(29, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertTrue(h.ch.isOpen());
        h.ch.advanceTimeBy(2, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString().contains("no SMFIC_OPTNEG within PT30S");
        assertFalse(h.finish());
    }

    // -- protocol errors ---------------------------------------------------------------------------------------------

    @Test
    void closesWithOneWarningWhenTheFirstCommandIsNotOptneg() {
        var h = new SessionHarness(HEADERS);
        h.send(new Helo("client.example.test"), MilterTestClient.POSTFIX_OFFER);
        assertThat(h.replies()).isEmpty();
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).containsExactly("milter session 7 from mta.example.test:4242: "
                + "protocol error: expected SMFIC_OPTNEG first, got SMFIC_HELO; closing the connection");
        assertThat(h.filters).isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void closesOnASecondOptneg() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(MilterTestClient.POSTFIX_OFFER);
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString().contains("SMFIC_OPTNEG again");
        assertEquals(1, h.filter().closes);
        assertFalse(h.finish());
        assertEquals(1, h.filter().closes);
    }

    @Test
    void closesOnConnectAfterOtherEvents() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Helo("client.example.test"), CONNECT);
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("SMFIC_CONNECT after other events");
        assertFalse(h.finish());
    }

    @Test
    void closesWithOneWarningOnACorruptFrameAfterProcessingTheFramesBeforeIt() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.sendRaw(concat(MilterCommandEncoder.frames(CONNECT), frame('T', u8(0)),
                MilterCommandEncoder.frames(new Helo("never.example.test"))));
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).containsExactly("milter session 7 from mta.example.test:4242: "
                + "protocol error: SMFIC_DATA: 1 unexpected bytes after the payload; closing the connection");
        assertEquals(List.of("negotiated", "connect mail.example.test", "close"), h.filter().calls);
        assertFalse(h.finish());
    }

    @Test
    void closesOnAnOversizedFrame() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.sendRaw(u32(SessionHarness.LIMITS.maxFrameBytes() + 1L));
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString().contains("exceeds the limit");
        assertEquals(1, h.filter().closes);
        assertFalse(h.finish());
    }

    // -- replies and no-reply events -------------------------------------------------------------------------------

    @Test
    void answersEveryEventOnceWithoutNoReplyFlags() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(CONNECT, new Helo("client.example.test"), new Mail("<a@remote.test>", List.of()),
                new Rcpt("<b@example.test>", List.of()), new Data(), new Header("Subject", "hi"), new EndOfHeaders(),
                CHUNK, new EndOfMessage());
        assertEquals(List.of(MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE,
                MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE,
                MilterReply.ACCEPT), h.replies());
        h.send(new Unknown("XFOO"));
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void neverAnswersMacroAbortOrQuit() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Macro(MacroStage.CONNECT, Map.of("j", "mx")), new Abort(), new Abort(), new Quit());
        assertThat(h.replies()).isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void callsEveryCallbackButAnswersOnlyEndOfMessageWithAllNoReplyFlags() {
        var h = new SessionHarness(new MilterOptions(Set.of(), ALL_NO_REPLY, Map.of()), f -> {
            f.answers.put("rcpt", () -> completedFuture(MilterReply.REJECT));  // dropped: NR_RCPT
        });
        assertEquals(0xff080 | ProtocolFlag.NR_UNKNOWN.bit(), h.negotiate().protocol());
        h.send(CONNECT, new Helo("client.example.test"), new Mail("<a@remote.test>", List.of()),
                new Rcpt("<b@example.test>", List.of()), new Data(), new Header("Subject", "hi"), new EndOfHeaders(),
                CHUNK, new Unknown("XFOO"));
        assertThat(h.replies()).isEmpty();
        h.send(new EndOfMessage());
        assertEquals(List.of(MilterReply.ACCEPT), h.replies());
        assertEquals(List.of("negotiated", "connect mail.example.test", "helo client.example.test",
                "mail <a@remote.test>", "rcpt <b@example.test>", "data", "header Subject", "eoh", "body 7",
                "unknown XFOO", "eom"), h.filter().calls);
        assertFalse(h.finish());
    }

    @Test
    void suppressesOnlyTheNegotiatedNoReplyEvents() {
        var h = new SessionHarness(new MilterOptions(Set.of(),
                EnumSet.of(ProtocolFlag.NR_HEADER, ProtocolFlag.NR_BODY), Map.of()));
        h.negotiate();
        h.send(new Header("Subject", "hi"), new Header("From", "a"), new EndOfHeaders(), CHUNK, CHUNK);
        assertEquals(List.of(MilterReply.CONTINUE), h.replies(), "only EOH is answered");
        assertFalse(h.finish());
    }

    // -- macros ------------------------------------------------------------------------------------------------------

    @Test
    void handsMacrosPerStageAndLooksUpTheLatestStageFirst() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Macro(MacroStage.CONNECT, Map.of("j", "mx.example.test", "{daemon_name}", "ORIGINATING")),
                CONNECT,
                new Macro(MacroStage.MAIL, Map.of("{mail_addr}", "a@remote.test")),
                new Mail("<a@remote.test>", List.of()),
                new Macro(MacroStage.DATA, Map.of("i", "597A9F54058")),
                new Data(),
                new Macro(MacroStage.END_OF_MESSAGE, Map.of("i", "597A9F54058", "{daemon_name}", "mx.example.test")),
                new EndOfMessage());
        ScriptedFilter f = h.filter();
        assertEquals(Optional.of("ORIGINATING"), f.macros.get("connect").get("daemon_name"));
        assertEquals(Optional.empty(), f.macros.get("connect").get("{mail_addr}"));
        assertEquals(Optional.of("a@remote.test"), f.macros.get("mail").get("{mail_addr}"));
        assertEquals(Optional.empty(), f.macros.get("mail").get("i"));
        assertEquals(Optional.of("597A9F54058"), f.macros.get("data").get("i"));
        Macros eom = f.macros.get("eom");
        assertEquals(Optional.of("mx.example.test"), eom.get("{daemon_name}"), "cleanup's value at EOM wins");
        assertEquals(Optional.of("ORIGINATING"), eom.get(MacroStage.CONNECT, "daemon_name"));
        assertEquals(Optional.of("mx.example.test"), eom.get("j"));
        assertFalse(h.finish());
    }

    @Test
    void abortClearsTransactionMacrosButKeepsConnectionMacros() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Macro(MacroStage.CONNECT, Map.of("j", "mx.example.test")), CONNECT,
                new Macro(MacroStage.HELO, Map.of()), new Helo("client.example.test"),
                new Macro(MacroStage.MAIL, Map.of("{mail_addr}", "a@remote.test")),
                new Mail("<a@remote.test>", List.of()),
                new Macro(MacroStage.RCPT, Map.of("{rcpt_addr}", "b@example.test")),
                new Rcpt("<b@example.test>", List.of()),
                new Abort(),  // RSET, or STARTTLS: then HELO again
                new Macro(MacroStage.HELO, Map.of("{tls_version}", "TLSv1.3")), new Helo("client.example.test"));
        ScriptedFilter f = h.filter();
        assertEquals(Optional.of("b@example.test"), f.macros.get("abort").get("{rcpt_addr}"),
                "abort() sees the transaction it ends");
        Macros afterAbort = f.macros.get("helo");
        assertEquals(Optional.empty(), afterAbort.get("{mail_addr}"));
        assertEquals(Optional.empty(), afterAbort.get("{rcpt_addr}"));
        assertEquals(Optional.of("mx.example.test"), afterAbort.get("j"));
        assertEquals(Optional.of("TLSv1.3"), afterAbort.get("{tls_version}"));
        assertFalse(h.finish());
    }

    @Test
    void servesSeveralMessagesOnOneConnection() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(CONNECT, new Helo("client.example.test"));
        h.replies();
        for (String qid : List.of("QID1", "QID2")) {
            h.send(new Macro(MacroStage.MAIL, Map.of("{mail_addr}", qid + "@remote.test")),
                    new Mail("<" + qid + "@remote.test>", List.of()), new Rcpt("<b@example.test>", List.of()),
                    new Macro(MacroStage.DATA, Map.of("i", qid)), new Data(), new Header("Subject", qid),
                    new EndOfHeaders(), CHUNK, new Macro(MacroStage.END_OF_MESSAGE, Map.of("i", qid)),
                    new EndOfMessage(), new Abort());
            assertEquals(List.of(MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE,
                    MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.ACCEPT),
                    h.replies());
            assertEquals(Optional.of(qid), h.filter().macros.get("eom").get("i"));
            assertEquals(Optional.empty(), h.filter().macros.get("mail").get("i"), "nothing left from before");
        }
        assertFalse(h.finish());
    }

    @Test
    void clearsTransactionMacrosAfterEndOfMessageEvenWithoutAbort() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Macro(MacroStage.END_OF_MESSAGE, Map.of("i", "QID1")), new EndOfMessage(), new Unknown("XFOO"));
        assertEquals(Optional.empty(), h.filter().macros.get("unknown").get("i"));
        assertFalse(h.finish());
    }

    // -- ending ------------------------------------------------------------------------------------------------------

    @Test
    void quitClosesTheConnectionAndTheFilterOnce() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(CONNECT, new Abort(), new Quit());
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertFalse(h.ch.isOpen());
        assertEquals(List.of("negotiated", "connect mail.example.test", "abort", "close"), h.filter().calls);
        assertFalse(h.finish());
        assertEquals(1, h.filter().closes);
        assertThat(log.messages(Level.WARNING)).isEmpty();
    }

    @Test
    void endOfStreamClosesTheFilterOnce() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(CONNECT);
        h.ch.close();
        assertEquals(1, h.filter().closes);
        assertFalse(h.finish());
        assertEquals(1, h.filter().closes);
        assertThat(log.messages(Level.WARNING)).isEmpty();
    }

    @Test
    void quitNewConnectionStartsANewSessionWithANewFilter() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new Macro(MacroStage.CONNECT, Map.of("j", "mx")), CONNECT, new QuitNewConnection());
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertTrue(h.ch.isOpen());
        ScriptedFilter first = h.filter();
        assertEquals(1, first.closes);
        h.send(MilterTestClient.POSTFIX_OFFER, CONNECT);
        assertThat(h.replies()).hasSize(2).element(1).isEqualTo(MilterReply.CONTINUE);
        assertThat(h.filters).hasSize(2);
        ScriptedFilter second = h.filter();
        assertEquals(Optional.empty(), second.macros.get("connect").get("j"), "macros start over");
        assertFalse(h.finish());
        assertEquals(1, first.closes);
        assertEquals(1, second.closes);
    }

    @Test
    void quitNewConnectionExpectsOptnegNext() {
        var h = new SessionHarness(HEADERS);
        h.negotiate();
        h.send(new QuitNewConnection(), CONNECT);
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("expected SMFIC_OPTNEG first, got SMFIC_CONNECT");
        assertFalse(h.finish());
    }

    // -- asynchronous callbacks, order, progress ---------------------------------------------------------------------

    @Test
    void waitsForAStageCompletedLaterOnAnotherThreadAndKeepsOrder() throws InterruptedException {
        CompletableFuture<MilterReply.Response> helo = new CompletableFuture<>();
        var h = new SessionHarness(HEADERS, f -> f.answers.put("helo", () -> helo));
        h.negotiate();
        h.send(CONNECT, new Helo("client.example.test"), new Macro(MacroStage.MAIL, Map.of("{mail_addr}", "a")),
                new Mail("<a@remote.test>", List.of()), new Rcpt("<b@example.test>", List.of()));
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertEquals(List.of("negotiated", "connect mail.example.test", "helo client.example.test"),
                h.filter().calls, "MAIL waits until HELO is answered");
        assertEquals(MilterSession.State.WAITING_FOR_FILTER, h.session().state());
        assertFalse(h.ch.config().isAutoRead(), "reading pauses while the filter works");

        Thread resolver = new Thread(() -> helo.complete(MilterReply.TEMPFAIL), "resolver");
        resolver.start();
        resolver.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(resolver.isAlive());
        h.ch.runPendingTasks();

        assertEquals(List.of(MilterReply.TEMPFAIL, MilterReply.CONTINUE, MilterReply.CONTINUE), h.replies());
        assertEquals(Optional.of("a"), h.filter().macros.get("mail").get("{mail_addr}"));
        assertEquals(Thread.currentThread(), h.filter().threads.get("mail"), "back on the event loop");
        assertTrue(h.ch.config().isAutoRead());
        assertEquals(MilterSession.State.READY, h.session().state());
        assertFalse(h.finish());
    }

    @Test
    void waitsForAStageThatCannotBeInspected() {
        var h = new SessionHarness(HEADERS, f -> f.answers.put("helo",
                () -> completedFuture((MilterReply.Response) MilterReply.REJECT).minimalCompletionStage()));
        h.negotiate();
        h.send(new Helo("client.example.test"));
        h.ch.runPendingTasks();
        assertEquals(List.of(MilterReply.REJECT), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void processesQueuedNoReplyEventsInOrderAfterAPendingOne() {
        CompletableFuture<MilterReply.Response> header = new CompletableFuture<>();
        var h = new SessionHarness(new MilterOptions(Set.of(), ALL_NO_REPLY, Map.of()),
                f -> f.answers.put("header", () -> header));
        h.negotiate();
        h.send(new Header("A", "1"), new Header("B", "2"), new EndOfHeaders(), CHUNK, new EndOfMessage());
        assertEquals(List.of("negotiated", "header A"), h.filter().calls);
        header.complete(MilterReply.CONTINUE);
        h.ch.runPendingTasks();
        assertEquals(List.of("negotiated", "header A", "header B", "eoh", "body 7", "eom"), h.filter().calls);
        assertEquals(List.of(MilterReply.ACCEPT), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void sendsProgressWhileEndOfMessageIsPending() {
        CompletableFuture<EndOfMessageReply> eom = new CompletableFuture<>();
        var h = new SessionHarness(HEADERS, f -> f.endOfMessage = () -> eom);
        h.negotiate();
        h.send(new EndOfMessage());
        assertThat(h.replies()).isEmpty();
        h.ch.advanceTimeBy(10, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertEquals(List.of(MilterReply.PROGRESS), h.replies());
        h.ch.advanceTimeBy(10, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertEquals(List.of(MilterReply.PROGRESS), h.replies());

        eom.complete(new EndOfMessageReply(List.of(), MilterReply.DISCARD));
        h.ch.runPendingTasks();
        assertEquals(List.of(MilterReply.DISCARD), h.replies());
        h.ch.advanceTimeBy(60, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertThat(h.replies()).as("no PROGRESS once answered").isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void sendsNoProgressForAPendingNoReplyEventUnlessAnAnsweredEventIsQueued() {
        CompletableFuture<MilterReply.Response> body = new CompletableFuture<>();
        var h = new SessionHarness(new MilterOptions(Set.of(), ALL_NO_REPLY, Map.of()),
                f -> f.answers.put("body", () -> body));
        h.negotiate();
        h.send(CHUNK);
        h.ch.advanceTimeBy(10, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertThat(h.replies()).as("the MTA is not waiting").isEmpty();
        h.send(new EndOfMessage());
        h.ch.advanceTimeBy(10, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertEquals(List.of(MilterReply.PROGRESS), h.replies(), "now it waits for the queued end of message");
        body.complete(MilterReply.CONTINUE);
        h.ch.runPendingTasks();
        assertEquals(List.of(MilterReply.ACCEPT), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void dropsTheAnswerOfAStageThatCompletesAfterTheConnectionClosed() {
        CompletableFuture<MilterReply.Response> helo = new CompletableFuture<>();
        var h = new SessionHarness(HEADERS, f -> f.answers.put("helo", () -> helo));
        h.negotiate();
        h.send(new Helo("client.example.test"));
        h.ch.close();
        assertEquals(1, h.filter().closes);
        helo.complete(MilterReply.REJECT);
        h.ch.runPendingTasks();
        assertThat(h.replies()).isEmpty();
        assertFalse(h.finish());
    }

    @Test
    void closesWhenTooManyCommandsQueueUpBehindAPendingCallback() {
        var h = new SessionHarness(HEADERS, f -> f.answers.put("helo", CompletableFuture::new));
        h.negotiate();
        h.send(new Helo("client.example.test"));
        byte[] abort = MilterCommandEncoder.frame(new Abort());
        byte[] flood = new byte[abort.length * (MilterSession.MAX_QUEUED_COMMANDS + 1)];
        for (int i = 0; i < MilterSession.MAX_QUEUED_COMMANDS + 1; i++) {
            System.arraycopy(abort, 0, flood, i * abort.length, abort.length);
        }
        h.sendRaw(flood);
        assertFalse(h.ch.isOpen());
        assertThat(log.messages(Level.WARNING)).singleElement().asString().contains("commands arrived while");
        assertFalse(h.finish());
    }

    // -- failures ----------------------------------------------------------------------------------------------------

    @Test
    void answersContinueWhenACallbackThrows() {
        var h = new SessionHarness(HEADERS, f -> f.answers.put("helo", () -> {
            throw new IllegalStateException("bug in helo");
        }));
        h.negotiate();
        h.send(new Helo("client.example.test"), new Mail("<a@remote.test>", List.of()));
        assertEquals(List.of(MilterReply.CONTINUE, MilterReply.CONTINUE), h.replies());
        assertThat(log.records(Level.SEVERE)).singleElement().satisfies(r -> {
            assertThat(r.getMessage()).contains("filter failed at SMFIC_HELO; answering CONTINUE");
            assertThat(r.getThrown()).hasMessage("bug in helo");
        });
        assertFalse(h.finish());
    }

    @Test
    void answersContinueWhenAStageFailsOrIsNull() {
        var h = new SessionHarness(HEADERS, f -> {
            f.answers.put("body", () -> failedFuture(new IllegalStateException("bug in body")));
            f.answers.put("rcpt", () -> completedFuture(null));
            f.answers.put("mail", () -> null);
        });
        h.negotiate();
        h.send(new Mail("<a@remote.test>", List.of()), new Rcpt("<b@example.test>", List.of()), CHUNK);
        assertEquals(List.of(MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE), h.replies());
        assertThat(log.records(Level.SEVERE)).hasSize(3);
        assertFalse(h.finish());
    }

    @Test
    void answersAcceptWhenEndOfMessageFails() {
        CompletableFuture<EndOfMessageReply> eom = new CompletableFuture<>();
        var h = new SessionHarness(HEADERS, f -> f.endOfMessage = () -> eom);
        h.negotiate();
        h.send(new EndOfMessage());
        eom.completeExceptionally(new IllegalStateException("bug in eom"));
        h.ch.runPendingTasks();
        assertEquals(List.of(MilterReply.ACCEPT), h.replies());
        assertThat(log.records(Level.SEVERE)).singleElement()
                .satisfies(r -> assertThat(r.getThrown()).hasMessage("bug in eom"));
        assertFalse(h.finish());
    }

    // -- SKIP --------------------------------------------------------------------------------------------------------

    @Test
    void answersContinueForSkipWhenSkipIsNotNegotiatedAndStopsCallingBody() {
        var h = new SessionHarness(HEADERS, f -> f.answers.put("body", () -> completedFuture(MilterReply.SKIP)));
        h.negotiate();
        h.send(CHUNK, CHUNK, CHUNK, new EndOfMessage());
        assertEquals(List.of(MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.CONTINUE, MilterReply.ACCEPT),
                h.replies());
        assertEquals(List.of("negotiated", "body 7", "eom"), h.filter().calls);
        h.send(new Abort(), CHUNK);
        assertEquals(List.of("negotiated", "body 7", "eom", "abort", "body 7"), h.filter().calls,
                "the next message's body is seen again");
        assertFalse(h.finish());
    }

    @Test
    void answersSkipWhenSkipIsNegotiated() {
        var h = new SessionHarness(new MilterOptions(Set.of(), EnumSet.of(ProtocolFlag.SKIP), Map.of()),
                f -> f.answers.put("body", () -> completedFuture(MilterReply.SKIP)));
        h.negotiate();
        h.send(CHUNK, new EndOfMessage());
        assertEquals(List.of(MilterReply.SKIP, MilterReply.ACCEPT), h.replies());
        assertFalse(h.finish());
    }

    @Test
    void answersContinueForSkipOutsideTheBody() {
        var h = new SessionHarness(new MilterOptions(Set.of(), EnumSet.of(ProtocolFlag.SKIP), Map.of()),
                f -> f.answers.put("header", () -> completedFuture(MilterReply.SKIP)));
        h.negotiate();
        h.send(new Header("Subject", "hi"));
        assertEquals(List.of(MilterReply.CONTINUE), h.replies());
        assertThat(log.messages(Level.SEVERE)).singleElement().asString().contains("SMFIC_HEADER");
        assertFalse(h.finish());
    }

    // -- end of message ----------------------------------------------------------------------------------------------

    @Test
    void writesModificationsAndTheFinalReplyInOneFlush() {
        var mods = List.<MilterReply.Modification>of(
                new MilterReply.InsertHeader(1, "Authentication-Results", "mx; spf=pass"),
                new MilterReply.AddHeader("X-Spam-Score", "1.0"),
                new MilterReply.ChangeHeader(1, "Subject", "[SPAM] hi"),
                new MilterReply.Quarantine("bayes"));
        CompletableFuture<EndOfMessageReply> later = new CompletableFuture<>();
        List<CompletableFuture<EndOfMessageReply>> answers = new ArrayList<>(List.of(
                completedFuture(new EndOfMessageReply(mods, MilterReply.ACCEPT)), later));
        var h = new SessionHarness(HEADERS, f -> f.endOfMessage = () -> answers.remove(0));
        h.negotiate();
        List<MilterReply> expected = new ArrayList<>(mods);
        expected.add(MilterReply.ACCEPT);

        h.send(new EndOfMessage());
        assertEquals(List.of(expected), h.newFlushes(), "synchronous answer");

        h.send(new Abort(), new EndOfMessage());
        later.complete(new EndOfMessageReply(mods, MilterReply.ACCEPT));
        h.ch.runPendingTasks();
        assertEquals(List.of(expected), h.newFlushes(), "asynchronous answer");
        assertFalse(h.finish());
    }

    @Test
    void dropsModificationsWhoseActionWasNotNegotiated() {
        var h = new SessionHarness(HEADERS, f -> f.endOfMessage = () -> completedFuture(new EndOfMessageReply(
                List.of(new MilterReply.ChangeSender("<x@example.test>", Optional.empty()),
                        new MilterReply.AddHeader("X-A", "1")), MilterReply.ACCEPT)));
        h.negotiate();
        h.send(new EndOfMessage());
        assertEquals(List.of(new MilterReply.AddHeader("X-A", "1"), MilterReply.ACCEPT), h.replies());
        assertThat(log.messages(Level.WARNING)).singleElement().asString().contains("[e]");
        assertFalse(h.finish());
    }

    @Test
    void passesReplyCodesThrough() {
        var reply = new MilterReply.ReplyCode(SmtpReply.of(550, "5.7.1", "Relay access denied"));
        var h = new SessionHarness(HEADERS, f -> f.answers.put("rcpt", () -> completedFuture(reply)));
        h.negotiate();
        h.send(new Rcpt("<x@elsewhere.test>", List.of()));
        assertEquals(List.of(reply), h.replies());
        assertFalse(h.finish());
    }
}
