package org.postern.milter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test side of the wire, reading as the MTA: turns the milter's frames back into {@link MilterReply}s
 * (milter-protocol.md §7), as strictly as {@code MilterCommandDecoder} reads commands: lengths checked first,
 * strings NUL-terminated, no bytes left over. Published in the test-jar for {@code daemon/} and {@code bench/} (and
 * used to record transcripts).
 *
 * <p>Each SMFIR_REPLBODY frame becomes its own {@link MilterReply.ReplaceBody}. An SMFIR_REPLYCODE text is parsed
 * back into an {@link SmtpReply} (the inverse of {@link SmtpReply#wireText()}: {@code %%} becomes {@code %}). Letters
 * without a {@link MilterReply} record (SMFIR_CONN_FAIL {@code f}, SMFIR_SETSYMLIST {@code l}, unknown ones) are
 * errors. Errors are {@link DecoderException}s; after one, the Netty decoder discards the rest of its input.
 */
public final class MilterReplyDecoder extends ByteToMessageDecoder {

    private static final Pattern REPLY_LINE = Pattern.compile("(\\d{3})([ -])(?:([245]\\.\\d{1,3}\\.\\d{1,3}) )?(.*)",
            Pattern.DOTALL);

    private final int maxFrameBytes;
    private boolean failed;

    /** A decoder for frames of at most {@code maxFrameBytes} bytes. */
    public MilterReplyDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** A decoder with {@link MilterLimits#DEFAULT}'s frame limit. */
    public MilterReplyDecoder() {
        this(MilterLimits.DEFAULT.maxFrameBytes());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        try {
            int frameLength = MilterCommandDecoder.checkLength(length, maxFrameBytes);
            if (in.readableBytes() < 4 + frameLength) {
                return;
            }
            in.skipBytes(4);
            out.add(decodeFrame(in.readSlice(frameLength)));
        } catch (DecoderException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * Decodes one frame given without its length field (reply letter, then payload).
     *
     * @throws DecoderException when the frame is not a valid reply
     */
    public static MilterReply decodeFrame(byte[] frame) {
        return decodeFrame(Unpooled.wrappedBuffer(frame));
    }

    /**
     * Decodes one frame given without its length field (reply letter, then payload); reads all of {@code frame}.
     *
     * @throws DecoderException when the frame is not a valid reply
     */
    public static MilterReply decodeFrame(ByteBuf frame) {
        if (!frame.isReadable()) {
            throw new MilterProtocolException("empty frame: no reply letter");
        }
        char letter = (char) frame.readUnsignedByte();
        try {
            return end(frame, letter, switch (letter) {
                case 'O' -> negotiation(frame);
                case 'c' -> MilterReply.CONTINUE;
                case 'a' -> MilterReply.ACCEPT;
                case 'r' -> MilterReply.REJECT;
                case 't' -> MilterReply.TEMPFAIL;
                case 'd' -> MilterReply.DISCARD;
                case 'p' -> MilterReply.PROGRESS;
                case 's' -> MilterReply.SKIP;
                case '4' -> new MilterReply.Shutdown();
                case 'y' -> new MilterReply.ReplyCode(parseWireText(CStrings.read(frame, "SMFIR_REPLYCODE text")));
                case 'h' -> new MilterReply.AddHeader(CStrings.read(frame, "SMFIR_ADDHEADER name"),
                        CStrings.read(frame, "SMFIR_ADDHEADER value"));
                case 'i' -> new MilterReply.InsertHeader(index(frame, "SMFIR_INSHEADER"),
                        CStrings.read(frame, "SMFIR_INSHEADER name"), CStrings.read(frame, "SMFIR_INSHEADER value"));
                case 'm' -> new MilterReply.ChangeHeader(index(frame, "SMFIR_CHGHEADER"),
                        CStrings.read(frame, "SMFIR_CHGHEADER name"), CStrings.read(frame, "SMFIR_CHGHEADER value"));
                case 'e' -> new MilterReply.ChangeSender(CStrings.read(frame, "SMFIR_CHGFROM sender"),
                        frame.isReadable() ? Optional.of(CStrings.read(frame, "SMFIR_CHGFROM arguments"))
                                : Optional.empty());
                case '+' -> new MilterReply.AddRecipient(CStrings.read(frame, "SMFIR_ADDRCPT recipient"));
                case '2' -> new MilterReply.AddRecipientWithArgs(CStrings.read(frame, "SMFIR_ADDRCPT_PAR recipient"),
                        CStrings.read(frame, "SMFIR_ADDRCPT_PAR arguments"));
                case '-' -> new MilterReply.DeleteRecipient(CStrings.read(frame, "SMFIR_DELRCPT recipient"));
                case 'b' -> {
                    byte[] piece = new byte[frame.readableBytes()];
                    frame.readBytes(piece);
                    yield new MilterReply.ReplaceBody(ByteBuffer.wrap(piece));
                }
                case 'q' -> new MilterReply.Quarantine(CStrings.read(frame, "SMFIR_QUARANTINE reason"));
                default -> throw new MilterProtocolException(String.format("unknown reply letter 0x%02x%s",
                        (int) letter, letter > 0x20 && letter < 0x7f ? " ('" + letter + "')" : ""));
            });
        } catch (IllegalArgumentException e) {
            // A record refused a value (header name with a colon, reply code 250, ...).
            throw new MilterProtocolException("reply '" + letter + "': " + e.getMessage());
        }
    }

    /**
     * The inverse of {@link SmtpReply#wireText()}: {@code "550-5.7.1 a\r\n550 5.7.1 b"} with one code, the enhanced
     * status on every line or on none, and every {@code %} doubled.
     *
     * @throws IllegalArgumentException when the text is not of that form
     */
    public static SmtpReply parseWireText(String text) {
        String[] lines = text.split("\r\n", -1);
        int code = -1;
        Optional<String> status = Optional.empty();
        List<String> texts = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = REPLY_LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("reply line " + (i + 1) + " does not start with a code: "
                        + lines[i]);
            }
            int lineCode = Integer.parseInt(m.group(1));
            Optional<String> lineStatus = Optional.ofNullable(m.group(3));
            if (i == 0) {
                code = lineCode;
                status = lineStatus;
            } else if (lineCode != code || !lineStatus.equals(status)) {
                throw new IllegalArgumentException("reply line " + (i + 1) + " changes code or status: " + lines[i]);
            }
            boolean last = i == lines.length - 1;
            if (m.group(2).equals(last ? "-" : " ")) {
                throw new IllegalArgumentException("reply line " + (i + 1) + " has the wrong separator: " + lines[i]);
            }
            texts.add(undoublePercent(m.group(4)));
        }
        return new SmtpReply(code, status, texts);
    }

    private static String undoublePercent(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 1 >= s.length() || s.charAt(i + 1) != '%') {
                    throw new IllegalArgumentException("lone % in reply text (Postfix would drop it): " + s);
                }
                i++;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** SMFIC_OPTNEG answer: three u32, then {@code u32 stage, str names} pairs, each stage at most once. */
    private static MilterReply.Negotiation negotiation(ByteBuf frame) {
        if (frame.readableBytes() < 12) {
            throw new MilterProtocolException("SMFIC_OPTNEG answer: truncated, " + frame.readableBytes()
                    + " of 12 bytes");
        }
        int version = frame.readInt();
        int actions = frame.readInt();
        int protocol = frame.readInt();
        Map<MacroStage, List<String>> lists = new EnumMap<>(MacroStage.class);
        while (frame.isReadable()) {
            if (frame.readableBytes() < 4) {
                throw new MilterProtocolException("SMFIR_SETSYMLIST: truncated stage number");
            }
            int number = frame.readInt();
            MacroStage stage = null;
            for (MacroStage s : MacroStage.values()) {
                if (s.symbolListIndex() == number && number >= 0) {
                    stage = s;
                }
            }
            if (stage == null) {
                throw new MilterProtocolException("SMFIR_SETSYMLIST: unknown stage number " + number);
            }
            String names = CStrings.read(frame, "SMFIR_SETSYMLIST names");
            if (lists.put(stage, names.isEmpty() ? List.of() : List.of(names.split(" ", -1))) != null) {
                throw new MilterProtocolException("SMFIR_SETSYMLIST: stage " + number + " listed twice");
            }
        }
        return new MilterReply.Negotiation(version, actions, protocol, lists);
    }

    private static int index(ByteBuf frame, String reply) {
        if (frame.readableBytes() < 4) {
            throw new MilterProtocolException(reply + ": truncated index");
        }
        return frame.readInt();
    }

    private static MilterReply end(ByteBuf frame, char letter, MilterReply reply) {
        if (frame.isReadable()) {
            throw new MilterProtocolException("reply '" + letter + "': " + frame.readableBytes()
                    + " unexpected bytes after the payload");
        }
        return reply;
    }
}
