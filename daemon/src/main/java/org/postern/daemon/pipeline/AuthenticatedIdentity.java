package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * A domain an authentication method vouched for, for DMARC (RFC 7489 §4.2: an identifier is aligned when SPF or DKIM
 * passed for it): SPF passed for the MAIL FROM (or HELO) domain, DKIM verified a signature of {@code d=}. Checks
 * report them as typed facts, so no check reads another's symbols.
 */
public record AuthenticatedIdentity(Method method, String domain) {

    /** How the domain was authenticated. */
    public enum Method { SPF, DKIM }

    public AuthenticatedIdentity {
        requireNonNull(method, "method");
        requireNonNull(domain, "domain");
    }
}
