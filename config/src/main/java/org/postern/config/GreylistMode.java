package org.postern.config;

import java.util.Locale;

/** When greylisting answers. */
public enum GreylistMode {
    /** At RCPT, for suspicious clients, before the message is sent (the default). */
    RCPT,
    /** After the final dot, when the full score reaches {@code actions.greylist} (costs the sender the DATA). */
    END_OF_MESSAGE;

    /** The spelling in YAML: {@code end_of_message}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
