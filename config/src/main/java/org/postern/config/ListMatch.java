package org.postern.config;

import java.util.Locale;

/**
 * What a {@link ListEntry} compares its {@code value} with. Written in YAML in lower case ({@code client}).
 */
public enum ListMatch {
    /** The SMTP client's IP address; value is an address ({@code 192.0.2.7}) or network ({@code 192.0.2.0/24}). */
    CLIENT,
    /** The HELO/EHLO name; value is a name ({@code mail.example.com}) or {@code .example.com} for its subdomains. */
    HELO,
    /**
     * The envelope sender (MAIL FROM); value is an address ({@code a@example.com}), a domain ({@code example.com},
     * matching that domain), or {@code .example.com} (matching the domain and its subdomains).
     */
    SENDER,
    /** An envelope recipient (RCPT TO); the same forms as {@link #SENDER}. */
    RECIPIENT;

    /** The spelling in YAML: {@code client}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
