package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.postern.milter.Bytes.concat;
import static org.postern.milter.Bytes.cstr;
import static org.postern.milter.Bytes.frame;
import static org.postern.milter.Bytes.hex;
import static org.postern.milter.Bytes.u16;
import static org.postern.milter.Bytes.u32;
import static org.postern.milter.Bytes.u8;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MilterCommandDecoderTest {

    /** Every command kind, as bytes laid out by hand from milter-protocol.md §2, and what it decodes to. */
    static Stream<Arguments> everyCommand() {
        Map<String, String> connectMacros = new LinkedHashMap<>();
        connectMacros.put("j", "mx.example.test");
        connectMacros.put("{daemon_name}", "ORIGINATING");
        connectMacros.put("v", "Postfix 3.7.11");
        return Stream.of(
                Arguments.of("OPTNEG", frame('O', u32(6), u32(0x1ff), u32(0x1fffff)),
                        new MilterCommand.Negotiate(6, 0x1ff, 0x1fffff)),
                Arguments.of("MACRO", frame('D', u8('C'), cstr("j"), cstr("mx.example.test"), cstr("{daemon_name}"),
                        cstr("ORIGINATING"), cstr("v"), cstr("Postfix 3.7.11")),
                        new MilterCommand.Macro(MacroStage.CONNECT, connectMacros)),
                Arguments.of("MACRO without pairs", frame('D', u8('H')),
                        new MilterCommand.Macro(MacroStage.HELO, Map.of())),
                Arguments.of("MACRO with empty value", frame('D', u8('M'), cstr("{mail_addr}"), cstr("")),
                        new MilterCommand.Macro(MacroStage.MAIL, Map.of("{mail_addr}", ""))),
                Arguments.of("CONNECT inet", frame('C', cstr("mail.example.test"), u8('4'), u16(41234),
                        cstr("192.0.2.10")),
                        new MilterCommand.Connect("mail.example.test", MilterCommand.Family.INET, 41234,
                                "192.0.2.10")),
                Arguments.of("CONNECT inet6", frame('C', cstr("[2001:db8::1]"), u8('6'), u16(25),
                        cstr("2001:db8::1")),
                        new MilterCommand.Connect("[2001:db8::1]", MilterCommand.Family.INET6, 25, "2001:db8::1")),
                Arguments.of("CONNECT unix", frame('C', cstr("localhost"), u8('L'), u16(0),
                        cstr("/var/run/smtp")),
                        new MilterCommand.Connect("localhost", MilterCommand.Family.UNIX, 0, "/var/run/smtp")),
                Arguments.of("CONNECT unknown", frame('C', cstr("unknown"), u8('U')),
                        new MilterCommand.Connect("unknown", MilterCommand.Family.UNKNOWN, 0, "")),
                Arguments.of("HELO", frame('H', cstr("client.example.test")),
                        new MilterCommand.Helo("client.example.test")),
                Arguments.of("MAIL", frame('M', cstr("<sender@remote.test>"), cstr("SIZE=228"), cstr("BODY=8BITMIME")),
                        new MilterCommand.Mail("<sender@remote.test>", List.of("SIZE=228", "BODY=8BITMIME"))),
                Arguments.of("MAIL null sender", frame('M', cstr("<>")), new MilterCommand.Mail("<>", List.of())),
                Arguments.of("RCPT", frame('R', cstr("<alice@example.test>"), cstr("NOTIFY=SUCCESS,FAILURE")),
                        new MilterCommand.Rcpt("<alice@example.test>", List.of("NOTIFY=SUCCESS,FAILURE"))),
                Arguments.of("DATA", frame('T'), new MilterCommand.Data()),
                Arguments.of("HEADER folded 8-bit", frame('L', cstr("Subject"), Bytes.concat(
                        Bytes.latin1("caf\u00e9\n\tsecond"), u8(0))),
                        new MilterCommand.Header("Subject", "caf\u00e9\n\tsecond")),
                Arguments.of("EOH", frame('N'), new MilterCommand.EndOfHeaders()),
                Arguments.of("BODY", frame('B', Bytes.latin1("Hello\r\n.leading dot\r\n")),
                        new MilterCommand.Body(ByteBuffer.wrap(Bytes.latin1("Hello\r\n.leading dot\r\n")))),
                Arguments.of("BODY empty", frame('B'), new MilterCommand.Body(ByteBuffer.allocate(0))),
                Arguments.of("BODYEOB", frame('E'), new MilterCommand.EndOfMessage()),
                Arguments.of("ABORT", frame('A'), new MilterCommand.Abort()),
                Arguments.of("QUIT", frame('Q'), new MilterCommand.Quit()),
                Arguments.of("QUIT_NC", frame('K'), new MilterCommand.QuitNewConnection()),
                Arguments.of("UNKNOWN", frame('U', cstr("XFOO")), new MilterCommand.Unknown("XFOO")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void decodesCommandWhole(String name, byte[] frame, MilterCommand expected) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        assertEquals(expected, ch.readInbound());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void decodesCommandSplitAtEveryByte(String name, byte[] frame, MilterCommand expected) {
        for (int cut = 1; cut < frame.length; cut++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, cut));
            assertNull(ch.readInbound(), "nothing before the frame is complete (cut " + cut + ")");
            ch.writeInbound(Unpooled.wrappedBuffer(frame, cut, frame.length - cut));
            assertEquals(expected, ch.readInbound(), "cut at " + cut);
            assertFalse(ch.finish());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void decodesCommandJoinedWithTheNextFrame(String name, byte[] frame, MilterCommand expected) {
        byte[] next = frame('H', cstr("next.example.test"));
        EmbeddedChannel ch = channel();
        // The frame, then the next frame's first half in the same read: Postfix packs several packets per segment.
        byte[] joined = concat(frame, next);
        ch.writeInbound(Unpooled.wrappedBuffer(joined, 0, frame.length + 3));
        assertEquals(expected, ch.readInbound());
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(joined, frame.length + 3, next.length - 3));
        assertEquals(new MilterCommand.Helo("next.example.test"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void waitsForATruncatedFrameAndEmitsNothingAtEof(String name, byte[] frame, MilterCommand expected) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void decodesAllPostfixFramesOfOneSegment() {
        byte[] segment = concat(frame('A'), frame('D', u8('U')), frame('U', cstr("XFOO")));
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(segment));
        assertEquals(new MilterCommand.Abort(), ch.readInbound());
        assertEquals(new MilterCommand.Macro(MacroStage.UNKNOWN, Map.of()), ch.readInbound());
        assertEquals(new MilterCommand.Unknown("XFOO"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void decodesAFullBodyChunk() {
        byte[] chunk = new byte[65535];
        Arrays.fill(chunk, (byte) 'x');
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame('B', chunk)));
        MilterCommand.Body body = ch.readInbound();
        assertEquals(65535, body.chunk().remaining());
        assertFalse(ch.finish());
    }

    @Test
    void acceptsAFrameOfExactlyTheLimit() {
        MilterLimits limits = MilterLimits.DEFAULT;
        byte[] chunk = new byte[limits.maxFrameBytes() - 1];
        EmbeddedChannel ch = new EmbeddedChannel(new MilterCommandDecoder(limits));
        ch.writeInbound(Unpooled.wrappedBuffer(frame('B', chunk)));
        MilterCommand.Body body = ch.readInbound();
        assertEquals(chunk.length, body.chunk().remaining());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsFrameLongerThanLimitBeforeItsBytesArrive() {
        EmbeddedChannel ch = channel();
        long tooLong = MilterLimits.DEFAULT.maxFrameBytes() + 1L;
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(u32(tooLong))))
                .isInstanceOf(MilterProtocolException.class)
                .hasMessage("frame length 1048577 exceeds the limit of 1048576 bytes");
        assertFalse(ch.finish());
    }

    @Test
    void rejectsHugeLengthField() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hex("ffffffff"))))
                .isInstanceOf(MilterProtocolException.class)
                .hasMessage("frame length 4294967295 exceeds the limit of 1048576 bytes");
        assertFalse(ch.finish());
    }

    @Test
    void rejectsZeroLengthFrame() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hex("00000000"))))
                .isInstanceOf(MilterProtocolException.class)
                .hasMessage("frame length 0: a frame holds at least the command letter");
        assertFalse(ch.finish());
    }

    @Test
    void rejectsUnknownCommandLetter() {
        assertError(frame('X'), "unknown command letter 0x58 ('X')");
        assertError(frame((char) 0), "unknown command letter 0x00");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(frame('O', u32(6), u32(0x1ff)),
                        "SMFIC_OPTNEG: truncated, version, actions and protocol (12 bytes) missing (8 of 12 bytes)"),
                Arguments.of(frame('O', u32(6), u32(0x1ff), u32(0x1fffff), u8(0)),
                        "SMFIC_OPTNEG: 1 unexpected bytes after the payload"),
                Arguments.of(frame('D'), "SMFIC_MACRO: truncated, a stage letter missing (0 of 1 bytes)"),
                Arguments.of(frame('D', u8('C'), cstr("j")),
                        "SMFIC_MACRO value of j is not NUL-terminated (0 bytes left in the frame)"),
                Arguments.of(frame('D', u8('C'), cstr("j"), Bytes.latin1("mx")),
                        "SMFIC_MACRO value of j is not NUL-terminated (2 bytes left in the frame)"),
                Arguments.of(frame('C', cstr("host")),
                        "SMFIC_CONNECT: truncated, the family letter missing (0 of 1 bytes)"),
                Arguments.of(frame('C', cstr("host"), u8('X'), u16(25), cstr("192.0.2.1")),
                        "SMFIC_CONNECT: family letter 0x58 is not one of 4, 6, L, U"),
                Arguments.of(frame('C', cstr("host"), u8('U'), u16(25), cstr("192.0.2.1")),
                        "SMFIC_CONNECT: 12 unexpected bytes after the payload"),
                Arguments.of(frame('C', cstr("host"), u8('4'), u8(0)),
                        "SMFIC_CONNECT: truncated, the port missing (1 of 2 bytes)"),
                Arguments.of(frame('C', cstr("host"), u8('4'), u16(25), Bytes.latin1("192.0.2.1")),
                        "SMFIC_CONNECT address is not NUL-terminated (9 bytes left in the frame)"),
                Arguments.of(frame('C', cstr("host"), u8('4'), u16(25), cstr("192.0.2.1"), u8('x')),
                        "SMFIC_CONNECT: 1 unexpected bytes after the payload"),
                Arguments.of(frame('H'), "SMFIC_HELO argument is not NUL-terminated (0 bytes left in the frame)"),
                Arguments.of(frame('H', cstr("a"), cstr("b")), "SMFIC_HELO: 2 unexpected bytes after the payload"),
                Arguments.of(frame('M'), "SMFIC_MAIL sender is not NUL-terminated (0 bytes left in the frame)"),
                Arguments.of(frame('M', cstr("<a@b>"), Bytes.latin1("SIZE=1")),
                        "SMFIC_MAIL ESMTP argument is not NUL-terminated (6 bytes left in the frame)"),
                Arguments.of(frame('R', Bytes.latin1("<a@b>")),
                        "SMFIC_RCPT recipient is not NUL-terminated (5 bytes left in the frame)"),
                Arguments.of(frame('T', u8(0)), "SMFIC_DATA: 1 unexpected bytes after the payload"),
                Arguments.of(frame('L', cstr("Subject")),
                        "SMFIC_HEADER value is not NUL-terminated (0 bytes left in the frame)"),
                Arguments.of(frame('N', u8(0)), "SMFIC_EOH: 1 unexpected bytes after the payload"),
                Arguments.of(frame('A', u8(1)), "SMFIC_ABORT: 1 unexpected bytes after the payload"),
                Arguments.of(frame('Q', u8(1)), "SMFIC_QUIT: 1 unexpected bytes after the payload"),
                Arguments.of(frame('K', u8(1)), "SMFIC_QUIT_NC: 1 unexpected bytes after the payload"),
                Arguments.of(frame('U', cstr("XFOO"), u8('x')), "SMFIC_UNKNOWN: 1 unexpected bytes after the payload"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformed")
    void rejectsMalformedPayload(byte[] frame, String message) {
        assertError(frame, message);
    }

    @Test
    void discardsEverythingAfterAnError() {
        EmbeddedChannel ch = channel();
        byte[] input = concat(frame('H', cstr("before")), frame('T', u8(0)), frame('H', cstr("after")));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(input)))
                .isInstanceOf(MilterProtocolException.class);
        assertEquals(new MilterCommand.Helo("before"), ch.readInbound(), "frames before the bad one still count");
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(frame('H', cstr("later"))));
        assertNull(ch.readInbound());
        assertEquals(MilterCommandDecoder.State.FAILED, ch.pipeline().get(MilterCommandDecoder.class).state());
        assertFalse(ch.finish());
    }

    @Test
    void dropsMacroForUnknownStage() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(frame('D', u8('Z'), cstr("i"), cstr("ABC")), frame('T'))));
        assertEquals(new MilterCommand.Data(), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void keepsTheLastValueOfARepeatedMacro() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame('D', u8('T'), cstr("i"), cstr("A"), cstr("i"), cstr("B"))));
        assertEquals(new MilterCommand.Macro(MacroStage.DATA, Map.of("i", "B")), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void decodesEndOfMessageWithPayloadAsBodyThenEnd() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame('E', Bytes.latin1("last\r\n"))));
        assertEquals(new MilterCommand.Body(ByteBuffer.wrap(Bytes.latin1("last\r\n"))), ch.readInbound());
        assertEquals(new MilterCommand.EndOfMessage(), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void keepsMacroOrderAsOnTheWire() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame('D', u8('C'), cstr("v"), cstr("1"), cstr("j"), cstr("2"),
                cstr("_"), cstr("3"))));
        MilterCommand.Macro macro = ch.readInbound();
        assertThat(new ArrayList<>(macro.values().keySet())).containsExactly("v", "j", "_");
        assertFalse(ch.finish());
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new MilterCommandDecoder(MilterLimits.DEFAULT));
    }

    private static void assertError(byte[] frame, String message) {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isInstanceOf(MilterProtocolException.class)
                .hasMessage(message);
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }
}
