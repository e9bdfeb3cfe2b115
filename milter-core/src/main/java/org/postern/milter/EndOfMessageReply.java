package org.postern.milter;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The answer to end of message: modifications in order, then one final response. Modifications before a REJECT,
 * TEMPFAIL or DISCARD are discarded by the MTA with the message. CONTINUE is sent as is (libmilter treats it as
 * accept); prefer {@link MilterReply#ACCEPT}. SKIP is not a final answer.
 */
public record EndOfMessageReply(List<MilterReply.Modification> modifications, MilterReply.Response response) {

    public static final EndOfMessageReply ACCEPT = new EndOfMessageReply(List.of(), MilterReply.ACCEPT);

    public EndOfMessageReply {
        modifications = List.copyOf(modifications);
        requireNonNull(response, "response");
        if (response instanceof MilterReply.Skip) {
            throw new IllegalArgumentException("SKIP is not an answer to end of message");
        }
    }
}
