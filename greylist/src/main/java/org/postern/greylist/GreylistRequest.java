package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Optional;

/**
 * One recipient of one SMTP transaction, as greylisting sees it at RCPT.
 *
 * @param clientIp           the SMTP client's address; an IPv4-mapped IPv6 address is taken as IPv4
 * @param verifiedClientName the client's reverse name as verified by Postfix (forward-confirmed: Postfix's
 *                           {@code {client_name}} macro); empty when it is not verified. Postfix's placeholder
 *                           "unknown", "", and an address literal are taken as empty too. Case and a trailing dot
 *                           do not matter
 * @param sender             the raw envelope sender (MAIL FROM), "" for the null sender {@code <>}; one pair of
 *                           enclosing angle brackets is removed. Normalized by the greylister (lower case,
 *                           {@code +extension}, BATV and SRS removed)
 * @param recipient          the envelope recipient (RCPT TO); one pair of enclosing angle brackets is removed,
 *                           case does not matter
 */
public record GreylistRequest(InetAddress clientIp, Optional<String> verifiedClientName, String sender,
                              String recipient) {

    /** Checks that nothing is null. */
    public GreylistRequest {
        requireNonNull(clientIp, "clientIp");
        requireNonNull(verifiedClientName, "verifiedClientName");
        requireNonNull(sender, "sender");
        requireNonNull(recipient, "recipient");
    }
}
