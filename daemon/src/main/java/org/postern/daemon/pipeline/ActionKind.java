package org.postern.daemon.pipeline;

import java.util.Locale;

/**
 * What Postern does with a message, from the most to the least severe. The score picks one through the configured
 * thresholds; a local list entry may force one.
 */
public enum ActionKind {
    /** 5xx: refused (at RCPT when pre-DATA evidence suffices, else after the final dot). */
    REJECT,
    /** 250 to the client, dropped. */
    DISCARD,
    /** 250 to the client, parked in Postfix's hold queue. */
    QUARANTINE,
    /** 4xx: the client should retry later. */
    SOFT_REJECT,
    /** 4xx for a first attempt (greylisting). */
    GREYLIST,
    /** Delivered with the Subject prefixed and the spam headers. */
    REWRITE_SUBJECT,
    /** Delivered with {@code X-Spam-Flag: YES}. */
    ADD_HEADER,
    /** Delivered, tagged {@code X-Spam-Flag: NO}. */
    NO_ACTION;

    /** The lower-case name used in logs, headers and configuration ({@code soft_reject}). */
    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the message is marked as spam in the headers ({@code X-Spam-Flag: YES}). */
    public boolean marksSpam() {
        return this != NO_ACTION && this != GREYLIST && this != SOFT_REJECT;
    }

    /** Whether the client is refused (4xx or 5xx), so no headers are added. */
    public boolean refuses() {
        return this == REJECT || this == SOFT_REJECT || this == GREYLIST;
    }
}
