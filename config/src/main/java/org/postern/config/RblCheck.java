package org.postern.config;

import java.util.Locale;

/** What a blocklist looks up (RFC 5782 §2): the client's IP, or one of the names of the session. */
public enum RblCheck {
    /** The client IP address (DNSBL). */
    IP,
    /** The HELO/EHLO name (RHSBL). */
    HELO,
    /** The domain of the envelope sender (RHSBL). */
    SENDER_DOMAIN,
    /** The client's verified reverse name (RHSBL). */
    CLIENT_NAME;

    /** The spelling in YAML: {@code sender_domain}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
