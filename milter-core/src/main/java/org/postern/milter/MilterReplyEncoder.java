package org.postern.milter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link MilterReply}s into frames (milter-protocol.md §7): {@code u32 length}, the reply letter, the payload.
 *
 * <p>Stateless and therefore {@link Sharable}; {@link #INSTANCE} serves every connection. One reply is one frame,
 * except {@link MilterReply.ReplaceBody}, which becomes as many SMFIR_REPLBODY frames of at most
 * {@value #MAX_REPLBODY_CHUNK} bytes as its body needs (libmilter's {@code MILTER_CHUNK_SIZE}; Postfix concatenates
 * them, §1). The encoder only writes: it neither flushes nor judges whether a reply fits the current event.
 */
@Sharable
final class MilterReplyEncoder extends MessageToByteEncoder<MilterReply> {

    /** The one instance; the encoder keeps no state. */
    static final MilterReplyEncoder INSTANCE = new MilterReplyEncoder();

    /** Largest body piece in one SMFIR_REPLBODY frame (libmilter MILTER_CHUNK_SIZE). */
    static final int MAX_REPLBODY_CHUNK = 65535;

    MilterReplyEncoder() {
        super(MilterReply.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MilterReply reply, boolean preferDirect) {
        if (reply instanceof MilterReply.ReplaceBody replace) {
            int bytes = replace.body().remaining();
            int frames = Math.max(1, (bytes + MAX_REPLBODY_CHUNK - 1) / MAX_REPLBODY_CHUNK);
            return ctx.alloc().ioBuffer(bytes + 5 * frames);
        }
        return preferDirect ? ctx.alloc().ioBuffer() : ctx.alloc().heapBuffer();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MilterReply reply, ByteBuf out) {
        encode(reply, out);
    }

    /** Writes the frame(s) of {@code reply} to {@code out}. */
    static void encode(MilterReply reply, ByteBuf out) {
        if (reply instanceof MilterReply.ReplaceBody replace) {
            replaceBody(replace.body(), out);
            return;
        }
        int start = out.writerIndex();
        out.writeInt(0);  // length, patched below
        out.writeByte(reply.code());
        payload(reply, out);
        out.setInt(start, out.writerIndex() - start - 4);
    }

    private static void payload(MilterReply reply, ByteBuf out) {
        if (reply instanceof MilterReply.Negotiation n) {
            negotiation(n, out);
        } else if (reply instanceof MilterReply.ReplyCode r) {
            CStrings.write(out, r.reply().wireText());
        } else if (reply instanceof MilterReply.AddHeader h) {
            CStrings.write(out, h.name());
            CStrings.write(out, h.value());
        } else if (reply instanceof MilterReply.InsertHeader h) {
            out.writeInt(h.index());
            CStrings.write(out, h.name());
            CStrings.write(out, h.value());
        } else if (reply instanceof MilterReply.ChangeHeader h) {
            out.writeInt(h.index());
            CStrings.write(out, h.name());
            CStrings.write(out, h.value());
        } else if (reply instanceof MilterReply.ChangeSender c) {
            // libmilter smfi_chgfrom: the ESMTP argument string is sent only when there is one.
            CStrings.write(out, c.sender());
            c.esmtpArgs().ifPresent(args -> CStrings.write(out, args));
        } else if (reply instanceof MilterReply.AddRecipient r) {
            CStrings.write(out, r.recipient());
        } else if (reply instanceof MilterReply.AddRecipientWithArgs r) {
            CStrings.write(out, r.recipient());
            CStrings.write(out, r.esmtpArgs());
        } else if (reply instanceof MilterReply.DeleteRecipient r) {
            CStrings.write(out, r.recipient());
        } else if (reply instanceof MilterReply.Quarantine q) {
            CStrings.write(out, q.reason());
        }
        // The rest (CONTINUE, ACCEPT, REJECT, TEMPFAIL, DISCARD, SKIP, SHUTDOWN, PROGRESS) have no payload.
    }

    /**
     * SMFIC_OPTNEG answer: {@code u32 version, u32 actions, u32 protocol}, then per requested stage {@code u32 stage,
     * str "name name ..."} (SMFIR_SETSYMLIST, §3.4), in SMFIM_* order so the bytes do not depend on map order.
     */
    private static void negotiation(MilterReply.Negotiation n, ByteBuf out) {
        out.writeInt(n.version());
        out.writeInt(n.actions());
        out.writeInt(n.protocol());
        List<Map.Entry<MacroStage, List<String>>> lists = n.macroRequests().entrySet().stream()
                .sorted(Comparator.comparingInt(e -> e.getKey().symbolListIndex()))
                .toList();
        for (Map.Entry<MacroStage, List<String>> list : lists) {
            out.writeInt(list.getKey().symbolListIndex());
            CStrings.write(out, String.join(" ", list.getValue()));
        }
    }

    /** SMFIR_REPLBODY: the body in pieces of at most 65535 bytes; an empty body is one empty frame. */
    private static void replaceBody(ByteBuffer body, ByteBuf out) {
        ByteBuffer rest = body.duplicate();
        do {
            int n = Math.min(rest.remaining(), MAX_REPLBODY_CHUNK);
            out.writeInt(1 + n);
            out.writeByte('b');
            ByteBuffer piece = rest.duplicate();
            piece.limit(piece.position() + n);
            out.writeBytes(piece);
            rest.position(rest.position() + n);
        } while (rest.hasRemaining());
    }
}
