package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.time.Duration;
import java.util.List;

/**
 * Greylisting (issue #6): a first delivery attempt of an unknown (client network, sender, recipient) triplet is
 * deferred with {@code actions.greylist_reply}; real mail servers retry, most spam bots do not. YAML key
 * {@code greylist}. A null component means its default. Loopback clients and outgoing mail are never greylisted.
 *
 * @param enabled            greylist at all; default true
 * @param mode               {@code rcpt} (default): at RCPT, only suspicious clients (see {@code minScore});
 *                           {@code end_of_message}: after DATA, when the full score reaches {@code actions.greylist}
 * @param delay              how long a retry must wait; 1s..1d, default 5m
 * @param retryWindow        how long after the first attempt a retry counts; longer than {@code delay}, up to 30d,
 *                           default 2d
 * @param lifetime           how long a passed triplet is remembered, refreshed on use; 1h..365d, default 35d
 * @param ipv4Prefix         client networks for triplets, IPv4; 8..32, default 24
 * @param ipv6Prefix         client networks for triplets, IPv6; 32..128, default 64
 * @param autoAllowlistAfter passed triplets after which a client is no longer greylisted; 0 = never; 0..1000,
 *                           default 5
 * @param minScore           in {@code rcpt} mode, clients whose objective pre-DATA score is below this and whose
 *                           reverse name Postfix verified are not greylisted: greylist only the suspicious; any
 *                           finite number, default 1.0; {@code ~} (null) greylists every unknown triplet
 * @param networks           client networks never greylisted (like Postfix's mynetworks); default none
 * @param allowlistClients   verified client names never greylisted: a name, or {@code .domain} for the names below
 *                           it; default: the outbound hosts of large providers, which retry from other addresses
 * @param trustedSpfDomains  sender domains whose mail is not greylisted when SPF passes for them; default: large
 *                           providers' domains
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record GreylistConfig(boolean enabled, GreylistMode mode, Duration delay, Duration retryWindow,
        Duration lifetime, int ipv4Prefix, int ipv6Prefix, int autoAllowlistAfter, java.util.OptionalDouble minScore,
        List<Cidr> networks, List<String> allowlistClients, List<String> trustedSpfDomains) {

    /** Outbound relays of large senders, matched on the verified reverse name (as postgrey's whitelist_clients). */
    static final List<String> LARGE_SENDER_HOSTS = List.of(".google.com", ".outlook.com",
            ".protection.outlook.com", ".yahoo.com", ".yahoodns.net", ".amazonses.com", ".mailgun.net",
            ".sendgrid.net", ".mcsv.net", ".mcdlv.net", ".facebook.com", ".linkedin.com", ".icloud.com",
            ".me.com", ".apple.com", ".fastmail.com", ".messagingengine.com", ".gmx.net", ".web.de",
            ".mail.ru", ".yandex.net", ".zoho.com", ".protonmail.ch", ".sparkpostmail.com", ".postmarkapp.com");

    /** Sender domains of large providers: their SPF records cover their rotating relays. */
    static final List<String> LARGE_SENDER_DOMAINS = List.of("gmail.com", "googlemail.com", "outlook.com",
            "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com", "gmx.net", "gmx.de", "web.de",
            "fastmail.com", "protonmail.com", "proton.me", "zoho.com", "yandex.ru", "mail.ru");

    static final GreylistConfig DEFAULTS = new GreylistConfig(true, null, null, null, null, 24, 64, 5, null, null,
            null, null);

    public GreylistConfig {
        mode = orDefault(mode, GreylistMode.RCPT);
        delay = between("delay", orDefault(delay, Duration.ofMinutes(5)), Duration.ofSeconds(1), Duration.ofDays(1));
        retryWindow = between("retry_window", orDefault(retryWindow, Duration.ofDays(2)), Duration.ofSeconds(2),
                Duration.ofDays(30));
        if (retryWindow.compareTo(delay) <= 0) {
            throw InvalidValueException.ofKey("retry_window", "must be longer than delay (" + delay + "), not "
                    + retryWindow);
        }
        lifetime = between("lifetime", orDefault(lifetime, Duration.ofDays(35)), Duration.ofHours(1),
                Duration.ofDays(365));
        between("ipv4_prefix", ipv4Prefix, 8, 32);
        between("ipv6_prefix", ipv6Prefix, 32, 128);
        between("auto_allowlist_after", autoAllowlistAfter, 0, 1000);
        minScore = Checks.finite("min_score", orDefault(minScore, java.util.OptionalDouble.of(1.0)));
        networks = Checks.listOf("networks", orDefault(networks, List.of()));
        allowlistClients = Checks.listOf("allowlist_clients", orDefault(allowlistClients, LARGE_SENDER_HOSTS));
        for (int i = 0; i < allowlistClients.size(); i++) {
            String name = allowlistClients.get(i);
            if (!Checks.isHostName(name.startsWith(".") ? name.substring(1) : name)) {
                throw new InvalidValueException(List.of("allowlist_clients", i), "must be a host name or .domain,"
                        + " not " + Checks.quote(name), List.of("allowlist_clients", i), false);
            }
        }
        trustedSpfDomains = Checks.listOf("trusted_spf_domains", orDefault(trustedSpfDomains, LARGE_SENDER_DOMAINS));
        for (int i = 0; i < trustedSpfDomains.size(); i++) {
            if (!Checks.isHostName(trustedSpfDomains.get(i))) {
                throw new InvalidValueException(List.of("trusted_spf_domains", i), "must be a domain, not "
                        + Checks.quote(trustedSpfDomains.get(i)), List.of("trusted_spf_domains", i), false);
            }
        }
    }
}
