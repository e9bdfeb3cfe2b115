package org.postern.milter;

import io.netty.handler.codec.DecoderException;

/**
 * The MTA sent something the milter protocol does not allow: a frame length out of bounds, a command letter we do not
 * know, a payload that is truncated or has bytes left over. The message says exactly what was wrong, in one sentence
 * that names the libmilter command (for example {@code "SMFIC_CONNECT: family letter 'X' is not one of 4, 6, L, U"}).
 *
 * <p>The session logs it as one WARN line and closes that connection; Postfix then applies
 * {@code milter_default_action} (milter-protocol.md §10).
 */
final class MilterProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    MilterProtocolException(String message) {
        super(message);
    }
}
