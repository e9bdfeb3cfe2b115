package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;

/**
 * The facts of one SMTP transaction that SPF checks (RFC 7208 §4.1).
 *
 * @param clientIp      the SMTP client's address; an IPv4-mapped IPv6 address is treated as IPv4 (RFC 7208 §5)
 * @param helo          the HELO/EHLO argument as given, "" if the client sent none
 * @param sender        the MAIL FROM address without angle brackets, "" for the null reverse-path {@code <>}; null
 *                      is taken as "", and one pair of enclosing angle brackets is removed
 * @param receivingHost this host's name, for {@code %{r}} in explanations and the Received-SPF {@code receiver};
 *                      "" if unknown ({@code %{r}} then expands to "unknown", RFC 7208 §7.3)
 */
public record SpfQuery(InetAddress clientIp, String helo, String sender, String receivingHost) {

    public SpfQuery {
        requireNonNull(clientIp, "clientIp");
        requireNonNull(helo, "helo");
        requireNonNull(receivingHost, "receivingHost");
        sender = sender == null ? "" : sender;
        if (sender.length() >= 2 && sender.startsWith("<") && sender.endsWith(">")) {
            sender = sender.substring(1, sender.length() - 1);
        }
    }
}
