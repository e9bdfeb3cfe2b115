package org.postern.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postern.milter.ActionFlag;
import org.postern.milter.CodecHandlers;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.MacroStage;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterCommandEncoder;
import org.postern.milter.MilterOptions;
import org.postern.milter.MilterReply;
import org.postern.milter.ProtocolFlag;

/**
 * One whole milter conversation as Postfix 3.7 speaks it for a single-message SMTP session (milter-protocol.md §4,
 * §5), split into turns: what the MTA writes before it waits, and what the milter answers.
 *
 * <p>OPTNEG; CONNECT and HELO; MAIL, two RCPTs, DATA; 12 headers (folded Received and DKIM-Signature among them, and a
 * forged Authentication-Results); EOH; a 20 KiB body in 4 BODY chunks; EOM answered with INSHEADER, CHGHEADER, four
 * ADDHEADERs and ACCEPT; then ABORT, and ABORT + QUIT. Every event is answered (no {@code NR_*} flags), so this is the
 * most frames a conversation of this shape can cost. Each MACRO packet holds Postfix's default macros for its stage
 * (milter-protocol.md §5.1) and travels in the same write as its command, as Postfix flushes them together.
 *
 * <p>XXX: Postfix packs the body into chunks of up to 65535 bytes, so it would send this 20 KiB body as one chunk; four
 * chunks exercise the per-chunk path (MACRO B, BODY, CONTINUE) a few times, as a larger message would.
 */
final class Conversation {

    /** What the filter of the session benchmark and of {@link IdleConnections} negotiates. */
    static final MilterOptions OPTIONS = new MilterOptions(
            EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS), Set.of(),
            Map.of(MacroStage.CONNECT, List.of("j", "{daemon_name}", "{daemon_addr}", "v", "_"),
                    MacroStage.END_OF_MESSAGE, List.of("i", "{auth_type}", "{auth_authen}")));

    /** The answer to end of message: Authentication-Results in place of a forged one, the spam headers, ACCEPT. */
    static final EndOfMessageReply END_OF_MESSAGE = new EndOfMessageReply(List.of(
            new MilterReply.InsertHeader(1, "Authentication-Results",
                    "mx.example.test;\n\tspf=pass smtp.mailfrom=remote.test;\n\tdkim=pass header.d=remote.test"
                            + " header.s=s2024 header.b=AbCdEfGh;\n\tdmarc=pass header.from=remote.test"),
            new MilterReply.ChangeHeader(1, "Authentication-Results", ""),
            new MilterReply.AddHeader("X-Spam-Flag", "NO"),
            new MilterReply.AddHeader("X-Spam-Score", "-0.1"),
            new MilterReply.AddHeader("X-Spam-Status", "No, score=-0.1 required=5.0\n\ttests=DKIM_VALID,SPF_PASS"
                    + " autolearn=no version=Postern 0.1.0"),
            new MilterReply.AddHeader("X-Postern-Symbols", "DKIM_VALID(-0.10),DMARC_PASS(0.00),SPF_PASS(0.00)")),
            MilterReply.ACCEPT);

    static final String QUEUE_ID = "4Xb9kT1z3QzK7";
    static final int BODY_BYTES = 20 * 1024;
    static final int BODY_CHUNKS = 4;

    /** What the MTA writes in one go, and everything the milter answers before the MTA writes again. */
    record Turn(List<MilterCommand> commands, byte[] wire, List<MilterReply> replies) {
        Turn(List<MilterCommand> commands, List<MilterReply> replies) {
            this(List.copyOf(commands), MilterCommandEncoder.frames(commands.toArray(new MilterCommand[0])),
                    List.copyOf(replies));
        }
    }

    private Conversation() {}

    /** The turns, in order. */
    static List<Turn> turns() {
        List<Turn> turns = new ArrayList<>();
        MilterReply c = MilterReply.CONTINUE;
        turns.add(new Turn(List.of(new MilterCommand.Negotiate(6, 0x1ff, 0x1fffff)),
                List.of(new MilterReply.Negotiation(6,
                        ActionFlag.mask(EnumSet.of(ActionFlag.ADD_HEADERS, ActionFlag.CHANGE_HEADERS,
                                ActionFlag.SET_SYMBOL_LIST)),
                        ProtocolFlag.mask(Set.of()), OPTIONS.macroRequests()))));
        turns.add(new Turn(List.of(
                macro(MacroStage.CONNECT, "j", "mx.example.test", "{daemon_name}", "mx.example.test",
                        "{daemon_addr}", "192.0.2.1", "v", "Postfix 3.7.11", "_", "mail.remote.test [198.51.100.7]"),
                new MilterCommand.Connect("mail.remote.test", MilterCommand.Family.INET, 41234, "198.51.100.7")),
                List.of(c)));
        turns.add(new Turn(List.of(macro(MacroStage.HELO), new MilterCommand.Helo("mail.remote.test")), List.of(c)));
        turns.add(new Turn(List.of(
                macro(MacroStage.MAIL, "{mail_addr}", "newsletter@remote.test", "{mail_host}", "remote.test",
                        "{mail_mailer}", "smtp"),
                new MilterCommand.Mail("<newsletter@remote.test>", List.of("SIZE=23817", "BODY=8BITMIME"))),
                List.of(c)));
        turns.add(new Turn(List.of(
                macro(MacroStage.RCPT, "{rcpt_addr}", "alice@example.test", "{rcpt_host}", "example.test",
                        "{rcpt_mailer}", "virtual"),
                new MilterCommand.Rcpt("<alice@example.test>", List.of("NOTIFY=FAILURE",
                        "ORCPT=rfc822;alice@example.test"))),
                List.of(c)));
        turns.add(new Turn(List.of(
                macro(MacroStage.RCPT, "i", QUEUE_ID, "{rcpt_addr}", "bob@example.test", "{rcpt_host}",
                        "example.test", "{rcpt_mailer}", "virtual"),
                new MilterCommand.Rcpt("<bob@example.test>", List.of())),
                List.of(c)));
        turns.add(new Turn(List.of(macro(MacroStage.DATA, "i", QUEUE_ID), new MilterCommand.Data()), List.of(c)));
        for (MilterCommand.Header header : headers()) {
            turns.add(new Turn(List.of(macro(MacroStage.HEADER, "i", QUEUE_ID), header), List.of(c)));
        }
        turns.add(new Turn(List.of(macro(MacroStage.END_OF_HEADERS, "i", QUEUE_ID),
                new MilterCommand.EndOfHeaders()), List.of(c)));
        byte[] body = body();
        int chunk = BODY_BYTES / BODY_CHUNKS;
        for (int at = 0; at < body.length; at += chunk) {
            ByteBuffer piece = ByteBuffer.wrap(body, at, Math.min(chunk, body.length - at)).slice();
            turns.add(new Turn(List.of(macro(MacroStage.BODY, "i", QUEUE_ID), new MilterCommand.Body(piece)),
                    List.of(c)));
        }
        List<MilterReply> eom = new ArrayList<>(END_OF_MESSAGE.modifications());
        eom.add(END_OF_MESSAGE.response());
        turns.add(new Turn(List.of(macro(MacroStage.END_OF_MESSAGE, "i", QUEUE_ID),
                new MilterCommand.EndOfMessage()), eom));
        turns.add(new Turn(List.of(new MilterCommand.Abort()), List.of()));
        turns.add(new Turn(List.of(new MilterCommand.Abort(), new MilterCommand.Quit()), List.of()));
        return List.copyOf(turns);
    }

    /** 12 headers as Postfix sends them: no space after the colon (no HDR_LEADSPC), folds joined by a bare LF. */
    private static List<MilterCommand.Header> headers() {
        return List.of(
                header("Received", "from mail.remote.test (mail.remote.test [198.51.100.7])\n\tby relay.remote.test"
                        + " (Postfix) with ESMTPS id 4Xb9kS6wJ8z9sWf\n\tfor <alice@example.test>;"
                        + " Tue, 14 May 2024 09:12:31 +0200 (CEST)"),
                header("Received", "from app01.internal.remote.test (app01.internal.remote.test [10.1.2.3])\n\tby"
                        + " mail.remote.test (Postfix) with ESMTP id 4Xb9kS5mTqz9sWd;\n\tTue, 14 May 2024"
                        + " 09:12:30 +0200 (CEST)"),
                header("Authentication-Results", "mx.example.test; spf=pass smtp.mailfrom=forged.test"),
                header("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=remote.test; s=s2024;\n\tt="
                        + "1715670750; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n\th=Date:From:To:"
                        + "Subject:Message-ID:MIME-Version:Content-Type:List-Unsubscribe;\n\tb="
                        + "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBzaGFwZSBmb3Ig"
                        + "YQ\n\t YmVuY2htYXJrOyB0aGUgY29kZWMgbmV2ZXIgbG9va3MgaW5zaWRlIGl0LCBzbyBhbnkgYmFzZTY0"
                        + "IHdp\n\t bGwgZG8uIEl0IGlzIGxvbmcgZW5vdWdoIHRvIGxvb2sgbGlrZSBhIDIwNDgtYml0IFJTQSBz"
                        + "aWdu\n\t YXR1cmUgd291bGQgbG9vayB3aGVuIGl0IGlzIGZvbGRlZCBieSB0aGUgc2lnbmVyLg=="),
                header("Date", "Tue, 14 May 2024 09:12:30 +0200"),
                header("From", "Remote Newsletter <newsletter@remote.test>"),
                header("To", "Alice Example <alice@example.test>, Bob Example <bob@example.test>"),
                header("Subject", "=?UTF-8?Q?Your_weekly_digest_=E2=80=93_14_May?="),
                header("Message-ID", "<20240514071230.4Xb9kS5mTqz9sWd@app01.internal.remote.test>"),
                header("MIME-Version", "1.0"),
                header("Content-Type", "text/plain; charset=utf-8; format=flowed"),
                header("List-Unsubscribe", "<https://remote.test/unsubscribe?u=8f14e45fceea167a5a36dedd4bea2543>,"
                        + "\n\t<mailto:unsubscribe@remote.test?subject=8f14e45fceea167a5a36dedd4bea2543>"));
    }

    /** {@link #BODY_BYTES} of plain text with CRLF line ends, as Postfix sends a body (dot-stuffing undone). */
    static byte[] body() {
        StringBuilder sb = new StringBuilder(BODY_BYTES + 100);
        for (int line = 1; sb.length() < BODY_BYTES; line++) {
            sb.append("Line ").append(line).append(" of the weekly digest: the quick brown fox jumps over the lazy"
                    + " dog, twice.\r\n");
        }
        sb.setLength(BODY_BYTES - 2);
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static MilterCommand.Header header(String name, String value) {
        return new MilterCommand.Header(name, value);
    }

    private static MilterCommand.Macro macro(MacroStage stage, String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new MilterCommand.Macro(stage, values);
    }

    /** Prints the conversation's size: {@code java -cp bench/target/benchmarks.jar org.postern.bench.Conversation}. */
    public static void main(String[] args) {
        List<Turn> turns = turns();
        int commands = 0;
        int commandBytes = 0;
        int replies = 0;
        int replyBytes = 0;
        for (Turn turn : turns) {
            commands += turn.commands().size();
            commandBytes += turn.wire().length;
            replies += turn.replies().size();
            for (MilterReply reply : turn.replies()) {
                replyBytes += CodecHandlers.replyFrames(reply).length;
            }
        }
        System.out.printf("turns=%d command_frames=%d command_bytes=%d reply_frames=%d reply_bytes=%d frames=%d%n",
                turns.size(), commands, commandBytes, replies, replyBytes, commands + replies);
    }
}
