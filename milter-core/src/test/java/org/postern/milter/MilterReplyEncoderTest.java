package org.postern.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.postern.milter.Bytes.concat;
import static org.postern.milter.Bytes.cstr;
import static org.postern.milter.Bytes.frame;
import static org.postern.milter.Bytes.hex;
import static org.postern.milter.Bytes.u32;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MilterReplyEncoderTest {

    /** Every reply of milter-protocol.md §7 and its exact bytes. */
    static Stream<Arguments> everyReply() {
        return Stream.of(
                Arguments.of(MilterReply.CONTINUE, "00000001 63"),
                Arguments.of(MilterReply.ACCEPT, "00000001 61"),
                Arguments.of(MilterReply.REJECT, "00000001 72"),
                Arguments.of(MilterReply.TEMPFAIL, "00000001 74"),
                Arguments.of(MilterReply.DISCARD, "00000001 64"),
                Arguments.of(MilterReply.SKIP, "00000001 73"),
                Arguments.of(MilterReply.PROGRESS, "00000001 70"),
                Arguments.of(new MilterReply.Shutdown(), "00000001 34"),
                Arguments.of(new MilterReply.ReplyCode(SmtpReply.of(550, "5.7.1", "100% spam")),
                        hex(frame('y', cstr("550 5.7.1 100%% spam")))),
                Arguments.of(new MilterReply.ReplyCode(SmtpReply.parse("451 4.7.1 try\nlater")),
                        hex(frame('y', cstr("451-4.7.1 try\r\n451 4.7.1 later")))),
                Arguments.of(new MilterReply.AddHeader("X-Spam-Score", "7.4"),
                        hex(frame('h', cstr("X-Spam-Score"), cstr("7.4")))),
                Arguments.of(new MilterReply.InsertHeader(1, "Authentication-Results", "mx; spf=pass"),
                        "00000029 69 00000001" + hex(concat(cstr("Authentication-Results"), cstr("mx; spf=pass")))),
                Arguments.of(new MilterReply.ChangeHeader(2, "X-Dup", ""),
                        "0000000c 6d 00000002" + hex(concat(cstr("X-Dup"), cstr("")))),
                Arguments.of(new MilterReply.ChangeSender("<changed@example.test>", Optional.empty()),
                        hex(frame('e', cstr("<changed@example.test>")))),
                Arguments.of(new MilterReply.ChangeSender("<changed@example.test>", Optional.of("SIZE=10")),
                        hex(frame('e', cstr("<changed@example.test>"), cstr("SIZE=10")))),
                Arguments.of(new MilterReply.AddRecipient("<added@second.test>"),
                        hex(frame('+', cstr("<added@second.test>")))),
                Arguments.of(new MilterReply.AddRecipientWithArgs("<added@second.test>", "NOTIFY=NEVER"),
                        hex(frame('2', cstr("<added@second.test>"), cstr("NOTIFY=NEVER")))),
                Arguments.of(new MilterReply.DeleteRecipient("<drop-me@example.test>"),
                        hex(frame('-', cstr("<drop-me@example.test>")))),
                Arguments.of(new MilterReply.Quarantine("bayes 0.99"), hex(frame('q', cstr("bayes 0.99")))),
                Arguments.of(new MilterReply.ReplaceBody(ByteBuffer.wrap(Bytes.latin1("new\r\n"))),
                        hex(frame('b', Bytes.latin1("new\r\n")))),
                Arguments.of(new MilterReply.ReplaceBody(ByteBuffer.allocate(0)), "00000001 62"),
                Arguments.of(new MilterReply.Negotiation(6, 0x131, 0xff080, Map.of()),
                        "0000000d 4f 00000006 00000131 000ff080"),
                Arguments.of(new MilterReply.Negotiation(6, 0x1ff, 0, Map.of(
                        MacroStage.END_OF_MESSAGE, List.of("i", "{auth_authen}"),
                        MacroStage.CONNECT, List.of("{client_addr}", "{daemon_name}"))),
                        hex(frame('O', u32(6), u32(0x1ff), u32(0),
                                u32(0), cstr("{client_addr} {daemon_name}"),
                                u32(5), cstr("i {auth_authen}")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyReply")
    void writesExactBytes(MilterReply reply, String expectedHex) {
        EmbeddedChannel ch = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        ch.writeOutbound(reply);
        assertEquals(expectedHex.replace(" ", ""), hex(readAll(ch)));
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyReply")
    void decodesBackToTheSameReply(MilterReply reply, String expectedHex) {
        EmbeddedChannel ch = new EmbeddedChannel(new MilterReplyDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(hex(expectedHex)));
        assertEquals(reply, ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void splitsReplaceBodyIntoPacketsOfAtMost65535Bytes() {
        byte[] body = new byte[65535 * 2 + 10];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        EmbeddedChannel ch = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        ch.writeOutbound(new MilterReply.ReplaceBody(ByteBuffer.wrap(body)));
        byte[] wire = readAll(ch);
        byte[] expected = concat(
                frame('b', Arrays.copyOfRange(body, 0, 65535)),
                frame('b', Arrays.copyOfRange(body, 65535, 131070)),
                frame('b', Arrays.copyOfRange(body, 131070, body.length)));
        assertEquals(hex(expected), hex(wire));
        assertFalse(ch.finish());
    }

    @Test
    void writesExactlyOnePacketForABodyOf65535Bytes() {
        byte[] body = new byte[65535];
        EmbeddedChannel ch = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        ch.writeOutbound(new MilterReply.ReplaceBody(ByteBuffer.wrap(body)));
        assertEquals(hex(frame('b', body)), hex(readAll(ch)));
        assertFalse(ch.finish());
    }

    @Test
    void leavesTheReplaceBodyBufferUntouched() {
        ByteBuffer body = ByteBuffer.wrap(Bytes.latin1("body"));
        MilterReply.ReplaceBody reply = new MilterReply.ReplaceBody(body);
        EmbeddedChannel ch = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        ch.writeOutbound(reply, reply);
        assertEquals(hex(concat(frame('b', Bytes.latin1("body")), frame('b', Bytes.latin1("body")))),
                hex(readAll(ch)));
        assertFalse(ch.finish());
    }

    @Test
    void writesLatin1CharsAsOneOctetAndWiderTextAsUtf8() {
        EmbeddedChannel ch = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        ch.writeOutbound(new MilterReply.AddHeader("X-Latin", "caf\u00e9"),
                new MilterReply.AddHeader("X-Wide", "caf\u00e9 \u20ac"));
        assertEquals(hex(concat(frame('h', cstr("X-Latin"), hex("636166e900")),
                frame('h', cstr("X-Wide"), hex("636166c3a920e282ac00")))), hex(readAll(ch)));
        assertFalse(ch.finish());
    }

    static byte[] readAll(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }
}
