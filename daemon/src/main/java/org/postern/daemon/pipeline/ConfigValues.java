package org.postern.daemon.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.postern.config.ListAction;
import org.postern.config.ReplyText;
import org.postern.milter.SmtpReply;

/** Conversions from configuration values to the pipeline's and the protocol's types. */
final class ConfigValues {
    private ConfigValues() {}

    static ActionKind action(ListAction action) {
        return switch (action) {
            case ACCEPT -> ActionKind.NO_ACTION;
            case REJECT -> ActionKind.REJECT;
            case SOFT_REJECT -> ActionKind.SOFT_REJECT;
            case QUARANTINE -> ActionKind.QUARANTINE;
            case DISCARD -> ActionKind.DISCARD;
        };
    }

    /** Configuration validated the text with the same rules, so this does not throw for a loaded config. */
    static SmtpReply reply(ReplyText text) {
        Optional<String> status = text.enhancedStatus().isEmpty() ? Optional.empty() : Optional.of(text.enhancedStatus());
        List<String> lines = Arrays.asList(text.text().split("\n", -1));
        return new SmtpReply(text.code(), status, lines);
    }
}
