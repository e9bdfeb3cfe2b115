package org.postern.config;

import java.util.Locale;

/** What a recipient's policy does with mail whose score reaches the reject threshold. */
public enum SpamAction {
    /** Refuse it (5xx). */
    REJECT,
    /** Accept it into Postfix's hold queue instead. */
    QUARANTINE;

    /** The spelling in YAML: {@code quarantine}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
