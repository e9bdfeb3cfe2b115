package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What DMARC needs to know about one message (RFC 7489 §4.2): its author, and the identifiers that SPF and DKIM
 * authenticated. The pipeline gathers these from the header and from the SPF and DKIM results; {@code dkim/} does not
 * import {@code spf/} (STYLE.md "Modules and dependency direction").
 *
 * @param fromFieldValues every From: field value as received, one element per From: field, in any order; empty when
 *                        the message has none (which is a permerror, RFC 7489 §6.6.1). Octets as chars, as
 *                        {@link HeaderField#value()} holds them (raw UTF-8 domains are decoded), or decoded text
 * @param spfPassDomain   the domain SPF passed for: the MAIL FROM domain, or the HELO name for a null reverse-path
 *                        (RFC 7489 §4.1); empty unless SPF said pass
 * @param dkimPassDomains d= of every DKIM signature that verified ({@link DkimResult.Pass#domain()}), leaving out
 *                        passes with a key in testing mode (RFC 6376 §3.6.1); any case, duplicates allowed
 */
public record DmarcQuery(List<String> fromFieldValues, Optional<String> spfPassDomain, List<String> dkimPassDomains) {

    public DmarcQuery {
        fromFieldValues = List.copyOf(fromFieldValues);
        requireNonNull(spfPassDomain, "spfPassDomain");
        dkimPassDomains = List.copyOf(dkimPassDomains);
    }
}
