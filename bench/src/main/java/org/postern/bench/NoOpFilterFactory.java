package org.postern.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.Macros;
import org.postern.milter.MilterFilter;
import org.postern.milter.MilterFilterFactory;
import org.postern.milter.MilterOptions;
import org.postern.milter.SessionInfo;

/**
 * Negotiates {@link Conversation#OPTIONS} and gives each connection its own filter that answers CONTINUE to every
 * event and {@link Conversation#END_OF_MESSAGE} at end of message, at once: the milter layer's cost without any check.
 */
final class NoOpFilterFactory implements MilterFilterFactory {

    private static final CompletionStage<EndOfMessageReply> END_OF_MESSAGE =
            CompletableFuture.completedFuture(Conversation.END_OF_MESSAGE);

    @Override
    public MilterOptions options() {
        return Conversation.OPTIONS;
    }

    @Override
    public MilterFilter newFilter(SessionInfo session) {
        return new MilterFilter() {
            @Override
            public CompletionStage<EndOfMessageReply> endOfMessage(Macros macros) {
                return END_OF_MESSAGE;
            }
        };
    }
}
