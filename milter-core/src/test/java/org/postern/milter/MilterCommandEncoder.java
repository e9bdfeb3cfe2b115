package org.postern.milter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.Map;

/**
 * Test side of the wire, speaking as the MTA: turns {@link MilterCommand}s into frames exactly as Postfix's
 * {@code milter8_write_data()} lays them out (milter-protocol.md §2). The inverse of {@code MilterCommandDecoder};
 * published in the test-jar for {@code daemon/} and {@code bench/}.
 *
 * <p>Use it as a Netty encoder, or without Netty through {@link #frame(MilterCommand)} and
 * {@link #frames(MilterCommand...)}. Strings are written one octet per char (ISO-8859-1), as the decoder reads them.
 */
@Sharable
public final class MilterCommandEncoder extends MessageToByteEncoder<MilterCommand> {

    public MilterCommandEncoder() {
        super(MilterCommand.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MilterCommand command, ByteBuf out) {
        encode(command, out);
    }

    /** The bytes of one frame: {@code u32 length}, the command letter, the payload. */
    public static byte[] frame(MilterCommand command) {
        return frames(command);
    }

    /** The frames of several commands, back to back (as Postfix writes them into one TCP segment). */
    public static byte[] frames(MilterCommand... commands) {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (MilterCommand command : commands) {
                encode(command, buf);
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Writes the frame of {@code command} to {@code out}. */
    public static void encode(MilterCommand command, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(command.code());
        if (command instanceof MilterCommand.Negotiate n) {
            out.writeInt(n.version());
            out.writeInt(n.actions());
            out.writeInt(n.protocol());
        } else if (command instanceof MilterCommand.Macro m) {
            out.writeByte(m.stage().commandCode());
            for (Map.Entry<String, String> macro : m.values().entrySet()) {
                CStrings.write(out, macro.getKey());
                CStrings.write(out, macro.getValue());
            }
        } else if (command instanceof MilterCommand.Connect c) {
            CStrings.write(out, c.hostname());
            out.writeByte(c.family().letter());
            if (c.family() != MilterCommand.Family.UNKNOWN) {
                out.writeShort(c.port());
                CStrings.write(out, c.address());
            }
        } else if (command instanceof MilterCommand.Helo h) {
            CStrings.write(out, h.name());
        } else if (command instanceof MilterCommand.Mail m) {
            CStrings.write(out, m.sender());
            m.esmtpArgs().forEach(arg -> CStrings.write(out, arg));
        } else if (command instanceof MilterCommand.Rcpt r) {
            CStrings.write(out, r.recipient());
            r.esmtpArgs().forEach(arg -> CStrings.write(out, arg));
        } else if (command instanceof MilterCommand.Header h) {
            CStrings.write(out, h.name());
            CStrings.write(out, h.value());
        } else if (command instanceof MilterCommand.Body b) {
            out.writeBytes(b.chunk().duplicate());
        } else if (command instanceof MilterCommand.Unknown u) {
            CStrings.write(out, u.command());
        }
        // DATA, EOH, BODYEOB, ABORT, QUIT, QUIT_NC carry no payload.
        out.setInt(start, out.writerIndex() - start - 4);
    }
}
