package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.nio.file.Path;

/**
 * DKIM verification of incoming mail (RFC 6376, RFC 8463, RFC 8301). YAML key {@code dkim}. The results' symbols and
 * scores come from {@code symbols} ({@code dkim.valid}, {@code dkim.invalid}, {@code dkim.temperror},
 * {@code dkim.none}); each signature adds a {@code dkim=} entry to Authentication-Results. Signing outgoing mail
 * arrives with issue #4's next part.
 *
 * @param verify        verify the DKIM-Signature fields of incoming mail; default true
 * @param maxSignatures signatures verified per message; more are reported {@code neutral} without a key lookup;
 *                      1..50, default 5
 * @param keyDir        where signing keys live, {@code KEY_DIR/<domain>/<selector>.key} (mode 0600), as
 *                      {@code postern dkim keygen} writes them; an absolute path, default {@code /etc/postern/dkim}
 * @throws IllegalArgumentException if a value is out of range; the message names the YAML key
 */
public record DkimConfig(boolean verify, int maxSignatures, Path keyDir) {

    static final DkimConfig DEFAULTS = new DkimConfig(true, 5, null);

    public DkimConfig {
        between("max_signatures", maxSignatures, 1, 50);
        keyDir = orDefault(keyDir, Path.of("/etc/postern/dkim"));
        if (!keyDir.isAbsolute()) {
            throw InvalidValueException.ofKey("key_dir", "must be an absolute path such as /etc/postern/dkim, not "
                    + Checks.quote(keyDir.toString()));
        }
    }
}
