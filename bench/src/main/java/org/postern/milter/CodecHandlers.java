package org.postern.milter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;

/**
 * The production milter pipeline handlers, which are package-private in milter-core, handed to {@code bench/}.
 *
 * <p>This class lives in bench/, not in milter-core: it shares the package {@code org.postern.milter} with milter-core
 * on the class path (split packages are fine there; milter-core has no module-info), so benchmarks in
 * {@code org.postern.bench} drive exactly the classes {@link MilterServer} puts into each connection's pipeline,
 * without milter-core widening its API for them.
 */
public final class CodecHandlers {

    private CodecHandlers() {}

    /** A new {@code MilterCommandDecoder}: stateful, one per channel. */
    public static ChannelHandler commandDecoder(MilterLimits limits) {
        return new MilterCommandDecoder(limits);
    }

    /** The shared, stateless {@code MilterReplyEncoder}. */
    public static ChannelHandler replyEncoder() {
        return MilterReplyEncoder.INSTANCE;
    }

    /** A new {@code MilterSession}: one per channel, placed after the decoder and the encoder. */
    public static ChannelHandler session(MilterFilterFactory factory, MilterLimits limits, SessionInfo info) {
        return new MilterSession(factory, limits, info);
    }

    /** The frame(s) the production encoder writes for {@code reply}, length fields included. */
    public static byte[] replyFrames(MilterReply reply) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MilterReplyEncoder.encode(reply, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
