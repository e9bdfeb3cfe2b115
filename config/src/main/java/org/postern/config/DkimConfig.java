package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DKIM verification of incoming mail (RFC 6376, RFC 8463, RFC 8301). YAML key {@code dkim}. The results' symbols and
 * scores come from {@code symbols} ({@code dkim.valid}, {@code dkim.invalid}, {@code dkim.temperror},
 * {@code dkim.none}); each signature adds a {@code dkim=} entry to Authentication-Results. Outgoing mail from a
 * configured domain is signed.
 *
 * @param verify        verify the DKIM-Signature fields of incoming mail; default true
 * @param maxSignatures signatures verified per message; more are reported {@code neutral} without a key lookup;
 *                      1..50, default 5
 * @param keyDir        where signing keys live, {@code KEY_DIR/<domain>/<selector>.key} (mode 0600), as
 *                      {@code postern dkim keygen} writes them; an absolute path, default {@code /etc/postern/dkim}
 * @param domains       the domains outgoing mail is signed for (by the From: header's domain); default none
 * @param signSubdomains sign mail from a subdomain of a configured domain with that domain's keys (d= the
 *                      configured domain, which relaxed DMARC alignment accepts); default true
 * @throws IllegalArgumentException if a value is out of range; the message names the YAML key
 */
public record DkimConfig(boolean verify, int maxSignatures, Path keyDir, List<DkimDomain> domains,
        boolean signSubdomains) {

    static final DkimConfig DEFAULTS = new DkimConfig(true, 5, null, null, true);

    public DkimConfig {
        between("max_signatures", maxSignatures, 1, 50);
        keyDir = orDefault(keyDir, Path.of("/etc/postern/dkim"));
        if (!keyDir.isAbsolute()) {
            throw InvalidValueException.ofKey("key_dir", "must be an absolute path such as /etc/postern/dkim, not "
                    + Checks.quote(keyDir.toString()));
        }
        domains = Checks.listOf("domains", orDefault(domains, List.of()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < domains.size(); i++) {
            if (!seen.add(domains.get(i).domain().toLowerCase(Locale.ROOT))) {
                throw new InvalidValueException(List.of("domains", i, "domain"), "repeats "
                        + Checks.quote(domains.get(i).domain()) + "; each domain once", List.of("domains", i, "domain"),
                        false);
            }
        }
    }
}
