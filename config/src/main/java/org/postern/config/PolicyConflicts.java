package org.postern.config;

import java.util.Locale;

/** How Postern reconciles recipients of one SMTP transaction whose policies differ (README "Per-recipient policy"). */
public enum PolicyConflicts {
    /**
     * Defer (452 4.5.3) each recipient whose policy differs from the transaction's first accepted recipient, so the
     * sending server delivers it again in a transaction of its own and every recipient gets its own verdict.
     */
    DEFER,
    /** Accept them all and apply the most protective combination of their policies to the one message. */
    STRICTEST;

    /** The spelling in YAML: {@code defer}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
