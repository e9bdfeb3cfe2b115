package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.postern.milter.Bytes.concat;
import static org.postern.milter.Bytes.cstr;
import static org.postern.milter.Bytes.frame;
import static org.postern.milter.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TranscriptTest {

    @Test
    void formatsLinesAsDocumented() {
        assertEquals("> CONNECT host=mail.example.test family=4 port=41234 addr=192.0.2.10",
                Transcript.format(new MilterCommand.Connect("mail.example.test", MilterCommand.Family.INET, 41234,
                        "192.0.2.10")));
        var macros = new LinkedHashMap<String, String>();
        macros.put("j", "mx.example.test");
        macros.put("{daemon_name}", "ORIGINATING");
        assertEquals("> MACRO stage=C j=mx.example.test {daemon_name}=ORIGINATING",
                Transcript.format(new MilterCommand.Macro(MacroStage.CONNECT, macros)));
        assertEquals("> HEADER name=Subject value=hello\\n\\tworld",
                Transcript.format(new MilterCommand.Header("Subject", "hello\n\tworld")));
        assertEquals("< CONTINUE", Transcript.format(MilterReply.CONTINUE));
        assertEquals("< REPLYCODE 550-5.7.1 go away\\r\\n550 5.7.1 100%% spam", Transcript.format(
                new MilterReply.ReplyCode(SmtpReply.parse("550 5.7.1 go away\n100% spam"))));
        assertEquals("> CONNECT host=unknown family=U",
                Transcript.format(new MilterCommand.Connect("unknown", MilterCommand.Family.UNKNOWN, 0, "")));
        assertEquals("> OPTNEG version=6 actions=0x1ff protocol=0x1fffff",
                Transcript.format(MilterTestClient.POSTFIX_OFFER));
        assertEquals("< CHGFROM sender=<a@b.test> args=SIZE=1", Transcript.format(
                new MilterReply.ChangeSender("<a@b.test>", Optional.of("SIZE=1"))));
        assertEquals("> RAW 000000015a", Transcript.format(
                Transcript.fromWire(Transcript.Direction.TO_MILTER, frame('Z')).get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.postern.milter.MilterCommandDecoderTest#everyCommand")
    void everyCommandLineIsBijectiveWithItsBytes(String name, byte[] frame, MilterCommand command) {
        String line = Transcript.format(command);
        assertEquals(new Transcript.Command(command), Transcript.parseLine(line));
        assertEquals(List.of(line), Transcript.format(Transcript.fromWire(Transcript.Direction.TO_MILTER, frame)));
        assertEquals(Bytes.hex(frame), Bytes.hex(Transcript.toWire(Transcript.parseLine(line))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.postern.milter.MilterReplyEncoderTest#everyReply")
    void everyReplyLineIsBijectiveWithItsBytes(MilterReply reply, String hex) {
        String line = Transcript.format(reply);
        assertEquals(new Transcript.Reply(reply), Transcript.parseLine(line));
        assertEquals(List.of(line), Transcript.format(Transcript.fromWire(Transcript.Direction.TO_MTA,
                Bytes.hex(hex))));
    }

    @Test
    void escapesEveryOctetReversibly() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 256; c++) {
            all.append(c);
        }
        var header = new MilterCommand.Header("X-All", all.toString());
        String line = Transcript.format(header);
        assertThat(line).doesNotContain("\n", "\r", "\t", "\0").contains("\\\\", "\\s", "\\x00", "\\xff");
        assertEquals(new Transcript.Command(header), Transcript.parseLine(line));

        var body = new MilterCommand.Body(ByteBuffer.wrap(Bytes.latin1(all.toString())));
        assertEquals(new Transcript.Command(body), Transcript.parseLine(Transcript.format(body)));
    }

    @Test
    void keepsInnerSpacesOfTextButEscapesTheOuterOnes() {
        var body = new MilterCommand.Body(ByteBuffer.wrap(Bytes.latin1(" two words ")));
        assertEquals("> BODY \\stwo words\\s", Transcript.format(body));
        assertEquals(new Transcript.Command(body), Transcript.parseLine("> BODY \\stwo words\\s"));
        assertEquals("> BODY", Transcript.format(new MilterCommand.Body(ByteBuffer.allocate(0))));
        assertThatThrownBy(() -> Transcript.parseLine("> BODY  x"))
                .hasMessageContaining("must not start or end with a literal space");
    }

    @Test
    void escapesEqualsSignsInMacroNames() {
        var macro = new MilterCommand.Macro(MacroStage.MAIL, Map.of("a=b", "c=d"));
        assertEquals("> MACRO stage=M a\\x3db=c=d", Transcript.format(macro));
        assertEquals(new Transcript.Command(macro), Transcript.parseLine("> MACRO stage=M a\\x3db=c=d"));
    }

    @Test
    void keepsCommentsAndSkipsBlankLines() {
        List<Transcript.Entry> entries = Transcript.parse(List.of("# hello", "", "> QUIT", "   "));
        assertEquals(List.of(new Transcript.Comment(" hello"), new Transcript.Command(new MilterCommand.Quit())),
                entries);
        assertEquals(List.of("# hello", "> QUIT"), Transcript.format(entries));
    }

    @Test
    void namesTheLineOfAParseError() {
        assertThatThrownBy(() -> Transcript.parse(List.of("> QUIT", "> HELO name=x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2: expected host=, not name=");
        assertThatThrownBy(() -> Transcript.parse(List.of("> FROB")))
                .hasMessage("line 1: unknown command FROB");
        assertThatThrownBy(() -> Transcript.parse(List.of("< CONTINUE x=1")))
                .hasMessage("line 1: unexpected x=");
        assertThatThrownBy(() -> Transcript.parse(List.of("QUIT")))
                .hasMessageStartingWith("line 1: expected '> NAME ...'");
        assertThatThrownBy(() -> Transcript.parse(List.of("> HELO host=a\\q")))
                .hasMessageStartingWith("line 1: unknown escape \\q");
    }

    @Test
    void showsFramesWithoutAOneLineFormAsRaw() {
        byte[] stream = concat(
                frame('H', cstr("ok.example.test")),
                frame('D', u8('Z'), cstr("i"), cstr("X")),      // dropped by the decoder
                frame('E', Bytes.latin1("tail")),                // two commands
                frame('T', u8(0)),                               // malformed
                frame('D', u8('T'), cstr("i"), cstr("A"), cstr("i"), cstr("B")),  // repeated name: not faithful
                Bytes.hex("0000000548"));                        // truncated at the end
        assertEquals(List.of(
                "> HELO host=ok.example.test",
                "> RAW 00000006445a69005800",
                "> RAW 0000000545" + "7461696c",
                "> RAW 000000025400",
                "> RAW 0000000a44546900410069004200",
                "> RAW 0000000548"),
                Transcript.format(Transcript.fromWire(Transcript.Direction.TO_MILTER, stream)));
        assertEquals(List.of("< RAW 0000000166"),
                Transcript.format(Transcript.fromWire(Transcript.Direction.TO_MTA, frame('f'))),
                "SMFIR_CONN_FAIL has no record");
    }
}
