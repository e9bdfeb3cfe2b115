package org.postern.config;

import java.util.Locale;

/**
 * What a matching {@link ListEntry} does to the message, instead of adding a score. Written in YAML in lower snake
 * case ({@code soft_reject}).
 */
public enum ListAction {
    /** Accept the message without running further checks. */
    ACCEPT,
    /** Reject with a permanent 5xx reply (the entry's {@code reply}, or {@code actions.reject_reply}). */
    REJECT,
    /** Reject with a temporary 4xx reply (the entry's {@code reply}, or {@code actions.soft_reject_reply}). */
    SOFT_REJECT,
    /** Accept the message into Postfix's hold queue ({@code actions.quarantine_reason}). */
    QUARANTINE,
    /** Accept the message and silently drop it. */
    DISCARD;

    /** The spelling in YAML: {@code soft_reject}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
