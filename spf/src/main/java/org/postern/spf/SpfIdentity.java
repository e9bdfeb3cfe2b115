package org.postern.spf;

/** Which identity an SPF result is about (RFC 7208 §2.3, §2.4); the keyword is Received-SPF's {@code identity}. */
public enum SpfIdentity {
    /**
     * The MAIL FROM identity (RFC 7208 §2.4). For the null reverse-path it is {@code postmaster@} the HELO name,
     * so the domain checked is the HELO name.
     */
    MAILFROM("mailfrom"),
    /** The HELO identity (RFC 7208 §2.3). */
    HELO("helo");

    private final String keyword;

    SpfIdentity(String keyword) {
        this.keyword = keyword;
    }

    /** "mailfrom" or "helo", as in Received-SPF (RFC 7208 §9.1). */
    public String keyword() {
        return keyword;
    }
}
