package org.postern.config;

import java.util.Locale;

/**
 * What a {@link ListEntry} compares its {@code value} with. Written in YAML in lower case ({@code client}).
 */
public enum ListMatch {
    /** The SMTP client's IP address; value is an address ({@code 192.0.2.7}) or network ({@code 192.0.2.0/24}). */
    CLIENT,
    /**
     * The HELO/EHLO name; value is a name. As in Postfix's access maps, {@code example.com} matches that name and the
     * names below it, {@code .example.com} only the names below it.
     */
    HELO,
    /**
     * The envelope sender (MAIL FROM); value is an address ({@code a@example.com}) or a domain, matching as names do
     * for {@link #HELO}.
     */
    SENDER,
    /** An envelope recipient (RCPT TO); the same forms as {@link #SENDER}. */
    RECIPIENT;

    /** The spelling in YAML: {@code client}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
