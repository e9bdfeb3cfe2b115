package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A domain Postern signs outgoing mail for. An element of {@link DkimConfig#domains()}. Keys live in
 * {@code dkim.key_dir/<domain>/<selector>.key}.
 *
 * @param domain          the signing domain (d=), matched against the From: header's domain; required
 * @param selector        the RSA key's selector, used to sign; required
 * @param ed25519Selector a second signature with an Ed25519 key (RFC 8463), next to the RSA one; optional
 * @param selectorNext    the next RSA selector: generated and published ahead of a rotation, checked by
 *                        {@code postern dkim check-dns}, never used to sign; optional
 * @throws IllegalArgumentException if a value is not a DNS name; the message names the YAML key
 */
public record DkimDomain(String domain, String selector, Optional<String> ed25519Selector,
        Optional<String> selectorNext) {

    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*");

    public DkimDomain {
        if (domain == null || !Checks.isHostName(domain) || domain.indexOf('.') < 0) {
            throw InvalidValueException.ofKey("domain", "must be a domain such as example.com, not "
                    + Checks.quote(String.valueOf(domain)));
        }
        selector = selector(String.valueOf(selector), "selector");
        ed25519Selector = orDefault(ed25519Selector, Optional.<String>empty()).map(s -> selector(s, "ed25519_selector"));
        selectorNext = orDefault(selectorNext, Optional.<String>empty()).map(s -> selector(s, "selector_next"));
    }

    private static String selector(String value, String key) {
        if (!SELECTOR.matcher(value).matches()) {
            throw InvalidValueException.ofKey(key, "must be a selector: letters, digits, - and _ in dot-separated"
                    + " labels, such as s2026, not " + Checks.quote(value));
        }
        return value;
    }
}
