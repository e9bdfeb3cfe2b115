package org.postern.milter;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the MTA's byte stream into {@link MilterCommand}s (milter-protocol.md §1, §2).
 *
 * <p>Every frame is {@code u32 length}, then {@code length} bytes: the command letter and its payload. The decoder is a
 * two-state machine ({@link State#READ_LENGTH}, {@link State#READ_FRAME}) that returns whenever bytes are missing, so a
 * frame split across reads, or several frames in one read, decode the same as one frame per read.
 *
 * <p>Parsing is defensive in the manner of Postfix's {@code milter8_read_resp()}: the length is checked against
 * {@link MilterLimits#maxFrameBytes()} before any byte of the frame is buffered, each field checks what is left,
 * strings must end in NUL, and bytes left over after the last field are an error. Any error is a
 * {@link MilterProtocolException} with a precise message; the decoder then enters {@link State#FAILED} and discards all
 * further input, because after a framing error nothing that follows can be trusted (the session closes the connection).
 *
 * <p>Two deliberate leniencies: a MACRO for an unknown stage letter is dropped without error (libmilter's
 * {@code st_macros} ignores it too), and an SMFIC_BODYEOB with a payload (libmilter allows one) yields a
 * {@link MilterCommand.Body} followed by {@link MilterCommand.EndOfMessage}.
 *
 * <p>The decoder copies what it keeps (strings, body chunks) and never passes a {@link ByteBuf} on.
 */
final class MilterCommandDecoder extends ByteToMessageDecoder {

    /** Where the decoder is in the current frame. */
    enum State {
        /** Waiting for the four bytes of the length field. */
        READ_LENGTH,
        /** Length known and checked; waiting for the whole frame. */
        READ_FRAME,
        /** A protocol error happened; everything else is discarded. */
        FAILED
    }

    private final int maxFrameBytes;
    private State state = State.READ_LENGTH;
    private int frameLength;

    /** A decoder that accepts frames of at most {@link MilterLimits#maxFrameBytes()} bytes. */
    MilterCommandDecoder(MilterLimits limits) {
        this.maxFrameBytes = requireNonNull(limits, "limits").maxFrameBytes();
    }

    State state() {
        return state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (state == State.READ_LENGTH) {
                if (in.readableBytes() < 4) {
                    return;
                }
                frameLength = checkLength(in.readUnsignedInt(), maxFrameBytes);
                state = State.READ_FRAME;
            }
            if (in.readableBytes() < frameLength) {
                return;
            }
            ByteBuf frame = in.readSlice(frameLength);
            state = State.READ_LENGTH;
            decodeFrame(frame, out);
        } catch (MilterProtocolException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * Checks a frame length field before anything is allocated for the frame.
     *
     * @throws MilterProtocolException when the length is 0 (no room for the command letter) or above the limit
     */
    static int checkLength(long length, int maxFrameBytes) {
        if (length == 0) {
            throw new MilterProtocolException("frame length 0: a frame holds at least the command letter");
        }
        if (length > maxFrameBytes) {
            throw new MilterProtocolException("frame length " + length + " exceeds the limit of " + maxFrameBytes
                    + " bytes");
        }
        return (int) length;
    }

    /**
     * Decodes one frame (command letter and payload, without the length field) into zero, one or two commands.
     *
     * @throws MilterProtocolException when the frame is not a valid command
     */
    static void decodeFrame(ByteBuf frame, List<Object> out) {
        char letter = (char) frame.readUnsignedByte();
        switch (letter) {
            case 'O' -> out.add(negotiate(frame));
            case 'D' -> macro(frame, out);
            case 'C' -> out.add(connect(frame));
            case 'H' -> {
                String name = CStrings.read(frame, "SMFIC_HELO argument");
                out.add(end(frame, "SMFIC_HELO", new MilterCommand.Helo(name)));
            }
            case 'M' -> {
                String sender = CStrings.read(frame, "SMFIC_MAIL sender");
                out.add(new MilterCommand.Mail(sender, esmtpArgs(frame, "SMFIC_MAIL")));
            }
            case 'R' -> {
                String recipient = CStrings.read(frame, "SMFIC_RCPT recipient");
                out.add(new MilterCommand.Rcpt(recipient, esmtpArgs(frame, "SMFIC_RCPT")));
            }
            case 'T' -> out.add(end(frame, "SMFIC_DATA", new MilterCommand.Data()));
            case 'L' -> {
                String name = CStrings.read(frame, "SMFIC_HEADER name");
                String value = CStrings.read(frame, "SMFIC_HEADER value");
                out.add(end(frame, "SMFIC_HEADER", new MilterCommand.Header(name, value)));
            }
            case 'N' -> out.add(end(frame, "SMFIC_EOH", new MilterCommand.EndOfHeaders()));
            case 'B' -> out.add(body(frame));
            case 'E' -> {
                // libmilter (st_bodyend) treats data on SMFIC_BODYEOB as a last body chunk; Postfix sends none.
                if (frame.isReadable()) {
                    out.add(body(frame));
                }
                out.add(new MilterCommand.EndOfMessage());
            }
            case 'A' -> out.add(end(frame, "SMFIC_ABORT", new MilterCommand.Abort()));
            case 'Q' -> out.add(end(frame, "SMFIC_QUIT", new MilterCommand.Quit()));
            case 'K' -> out.add(end(frame, "SMFIC_QUIT_NC", new MilterCommand.QuitNewConnection()));
            case 'U' -> {
                String command = CStrings.read(frame, "SMFIC_UNKNOWN command");
                out.add(end(frame, "SMFIC_UNKNOWN", new MilterCommand.Unknown(command)));
            }
            default -> throw new MilterProtocolException(String.format("unknown command letter 0x%02x%s",
                    (int) letter, letter > 0x20 && letter < 0x7f ? " ('" + letter + "')" : ""));
        }
    }

    /** SMFIC_OPTNEG: {@code u32 version, u32 actions, u32 protocol}, nothing more. */
    private static MilterCommand.Negotiate negotiate(ByteBuf frame) {
        need(frame, 12, "SMFIC_OPTNEG", "version, actions and protocol (12 bytes)");
        var offer = new MilterCommand.Negotiate(frame.readInt(), frame.readInt(), frame.readInt());
        return end(frame, "SMFIC_OPTNEG", offer);
    }

    /** SMFIC_MACRO: {@code u8 stage letter}, then {@code str name, str value} pairs (possibly none). */
    private static void macro(ByteBuf frame, List<Object> out) {
        need(frame, 1, "SMFIC_MACRO", "a stage letter");
        MacroStage stage = MacroStage.ofCommandCode((char) frame.readUnsignedByte());
        if (stage == null) {
            return;  // libmilter st_macros: macros for a stage it does not know are ignored, not an error
        }
        Map<String, String> values = new LinkedHashMap<>();
        while (frame.isReadable()) {
            String name = CStrings.read(frame, "SMFIC_MACRO name");
            String value = CStrings.read(frame, "SMFIC_MACRO value of " + name);
            values.put(name, value);  // a repeated name (never seen from Postfix): the last value wins
        }
        out.add(new MilterCommand.Macro(stage, values));
    }

    /** SMFIC_CONNECT: {@code str hostname, u8 family}, then unless family is 'U': {@code u16 port, str address}. */
    private static MilterCommand.Connect connect(ByteBuf frame) {
        String hostname = CStrings.read(frame, "SMFIC_CONNECT hostname");
        need(frame, 1, "SMFIC_CONNECT", "the family letter");
        char letter = (char) frame.readUnsignedByte();
        MilterCommand.Family family = MilterCommand.Family.ofLetter(letter);
        if (family == null) {
            throw new MilterProtocolException(String.format(
                    "SMFIC_CONNECT: family letter 0x%02x is not one of 4, 6, L, U", (int) letter));
        }
        if (family == MilterCommand.Family.UNKNOWN) {
            // mfdef.h SMFIA_UNKNOWN: no port and no address follow.
            return end(frame, "SMFIC_CONNECT", new MilterCommand.Connect(hostname, family, 0, ""));
        }
        need(frame, 2, "SMFIC_CONNECT", "the port");
        int port = frame.readUnsignedShort();
        String address = CStrings.read(frame, "SMFIC_CONNECT address");
        return end(frame, "SMFIC_CONNECT", new MilterCommand.Connect(hostname, family, port, address));
    }

    /** The strings after MAIL's sender or RCPT's recipient: one per ESMTP argument, each NUL-terminated. */
    private static List<String> esmtpArgs(ByteBuf frame, String command) {
        List<String> args = new ArrayList<>(2);
        while (frame.isReadable()) {
            args.add(CStrings.read(frame, command + " ESMTP argument"));
        }
        return args;
    }

    /** SMFIC_BODY: raw bytes, copied out of the frame. */
    private static MilterCommand.Body body(ByteBuf frame) {
        byte[] chunk = new byte[frame.readableBytes()];
        frame.readBytes(chunk);
        return new MilterCommand.Body(ByteBuffer.wrap(chunk));
    }

    private static void need(ByteBuf frame, int bytes, String command, String what) {
        if (frame.readableBytes() < bytes) {
            throw new MilterProtocolException(command + ": truncated, " + what + " missing (" + frame.readableBytes()
                    + " of " + bytes + " bytes)");
        }
    }

    /** Checks that the whole payload was used; leftover bytes mean the frame is not what its letter says. */
    private static <T> T end(ByteBuf frame, String command, T decoded) {
        if (frame.isReadable()) {
            throw new MilterProtocolException(command + ": " + frame.readableBytes()
                    + " unexpected bytes after the payload");
        }
        return decoded;
    }
}
