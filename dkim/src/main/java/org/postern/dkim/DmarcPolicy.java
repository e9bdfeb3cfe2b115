package org.postern.dkim;

/**
 * What a domain owner asks receivers to do with mail that fails DMARC (RFC 7489 §6.3, tags {@code p} and
 * {@code sp}), ordered from mildest to strictest.
 */
public enum DmarcPolicy {
    /** {@code none}: no action, the owner only wants reports. */
    NONE,
    /** {@code quarantine}: treat the message as suspicious (spam folder, a higher score). */
    QUARANTINE,
    /** {@code reject}: reject the message during the SMTP transaction. */
    REJECT;

    /** The tag value as written in a DMARC record and in Authentication-Results: none, quarantine, reject. */
    public String keyword() {
        return switch (this) {
            case NONE -> "none";
            case QUARANTINE -> "quarantine";
            case REJECT -> "reject";
        };
    }

    /** RFC 7489 §6.6.4: a message left out of the pct= sample gets the next lower policy. */
    DmarcPolicy nextLower() {
        return switch (this) {
            case NONE, QUARANTINE -> NONE;
            case REJECT -> QUARANTINE;
        };
    }

    /** The policy for a p= or sp= value (ABNF strings are case-insensitive), or null when it is none of the three. */
    static DmarcPolicy ofTag(String value) {
        for (DmarcPolicy p : values()) {
            if (p.keyword().equalsIgnoreCase(value)) {
                return p;
            }
        }
        return null;
    }
}
