package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Bayes classifier (issue #5). YAML key {@code bayes}. Token counts live per user in an LMDB store under
 * {@code state_dir/bayes}; {@code postern learn} trains it, the daemon classifies at end of message for each
 * recipient, and {@code postern check --user} classifies at delivery time.
 *
 * <p><b>Users.</b> Each recipient address is turned into a user key ({@link #userKey}): an entry of {@code users}
 * for the address as given, else for the address without its extension, else for its {@code @domain}; else the
 * address itself, lower-cased, without its extension ({@code Alice+lists@Example.com} is
 * {@code alice@example.com}).
 *
 * <p><b>Scores.</b> The classifier gives a spam probability p. With the configured score S of {@code bayes.spam}
 * (its maximum) and H of {@code bayes.ham}:
 * <pre>
 *   p &gt;= spam_probability:  BAYES_SPAM = S * (1 + (p - spam_probability) / (1 - spam_probability)) / 2
 *   p &lt;= ham_probability:   BAYES_HAM  = H * (1 + (ham_probability - p) / ham_probability) / 2
 *   otherwise:              no Bayes symbol (unsure)
 * </pre>
 * so a symbol starts at half its configured score at the threshold and reaches the full score at p = 1 (or 0).
 *
 * @param enabled            classify incoming mail at end of message; default true (a user or the global model needs
 *                           {@code min_spam} and {@code min_ham} learned messages before it gives a symbol)
 * @param minSpam            learned spam a model needs before it is used; 1..1000000, default 200
 * @param minHam             learned ham a model needs before it is used; 1..1000000, default 200
 * @param maxScannedBytes    bytes of a message the tokenizer reads (the rest is ignored, so the work per message is
 *                           bounded); 4096..67108864, default 524288 (512 KiB)
 * @param maxTokensPerUser   distinct tokens kept per user; {@code postern learn} prunes the weakest and oldest beyond
 *                           this; 10000..100000000, default 2000000
 * @param recipientDelimiter the characters that start an address extension, as Postfix's {@code recipient_delimiter}
 *                           (each character is a delimiter); printable ASCII without spaces or {@code @}, at most
 *                           10 characters; empty = addresses have no extension; default {@code +}
 * @param users              recipient address ({@code info@example.com}) or whole domain ({@code @example.org}) →
 *                           user key, for aliases and shared mailboxes; keys compared without regard to case; a user
 *                           key is printable ASCII without spaces, 1..255 bytes; default none
 * @param spamProbability    from this probability on, BAYES_SPAM; strictly between 0.5 and 1, default 0.76: the lowest
 *                           that kept out-of-fold false positives within 0.1% on the SpamAssassin corpus's training
 *                           half (docs/BENCHMARKS.md)
 * @param hamProbability     up to this probability, BAYES_HAM; strictly between 0 and 0.5, default 0.1
 * @param autolearn          autolearn into the global model; default off
 * @param maxStoreBytes      the most the store's data file ({@code state_dir/bayes/data.mdb}, all users together)
 *                           may grow to: LMDB maps it whole into the address space and refuses writes beyond it;
 *                           1 MiB..16 TiB, default 1073741824 (1 GiB, about 17 million tokens). A process uses it
 *                           when it opens the store; a running daemon adopts the larger size another process grew
 *                           the file to (a smaller value than the file's size is ignored; the file never shrinks)
 * @param readCacheBytes     memory the daemon (and {@code postern check}) may use to keep the store buckets read
 *                           since the last commit, so common tokens cost no store read; 0 (none)..16 GiB, default
 *                           67108864 (64 MiB). A commit starts afresh; the old cache lives on until the readers
 *                           still on it end. Takes effect at the next restart
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record BayesConfig(boolean enabled, int minSpam, int minHam, int maxScannedBytes, int maxTokensPerUser,
        String recipientDelimiter, Map<String, String> users, double spamProbability, double hamProbability,
        BayesAutolearn autolearn, long maxStoreBytes, long readCacheBytes) {

    static final BayesConfig DEFAULTS = new BayesConfig(true, 200, 200, 512 * 1024, 2_000_000, "+", Map.of(), 0.76,
            0.1, BayesAutolearn.DEFAULTS, 1L << 30, 64L << 20);

    /** Longest user key, as the store accepts it. */
    static final int MAX_USER_KEY_BYTES = 255;

    public BayesConfig {
        Checks.between("min_spam", minSpam, 1, 1_000_000);
        Checks.between("min_ham", minHam, 1, 1_000_000);
        Checks.between("max_scanned_bytes", maxScannedBytes, 4096, 64 * 1024 * 1024);
        Checks.between("max_tokens_per_user", maxTokensPerUser, 10_000, 100_000_000);
        recipientDelimiter = orDefault(recipientDelimiter, "+");
        if (recipientDelimiter.length() > 10 || !recipientDelimiter.matches("[!-?A-~]*")) {
            throw InvalidValueException.ofKey("recipient_delimiter", "must be up to 10 printable ASCII characters"
                    + " without spaces or @, such as \"+\" or \"+-\" (as Postfix's recipient_delimiter), not "
                    + Checks.quote(recipientDelimiter));
        }
        users = users(orDefault(users, Map.of()));
        Checks.finite("spam_probability", spamProbability);
        if (!(spamProbability > 0.5 && spamProbability < 1.0)) {
            throw InvalidValueException.ofKey("spam_probability", "must be above 0.5 and below 1, such as 0.9, not "
                    + spamProbability);
        }
        Checks.finite("ham_probability", hamProbability);
        if (!(hamProbability > 0.0 && hamProbability < 0.5)) {
            throw InvalidValueException.ofKey("ham_probability", "must be above 0 and below 0.5, such as 0.1, not "
                    + hamProbability);
        }
        autolearn = orDefault(autolearn, BayesAutolearn.DEFAULTS);
        Checks.between("max_store_bytes", maxStoreBytes, 1L << 20, 1L << 44);
        Checks.between("read_cache_bytes", readCacheBytes, 0, 1L << 34);
    }

    /**
     * The user key whose model classifies mail to {@code recipient}: the {@code users} entry for the address as
     * given, else for the address without its extension, else for its {@code @domain}; else the address lower-cased
     * without its extension. A value without {@code @} (a user key given directly) is only lower-cased and looked up.
     */
    public String userKey(String recipient) {
        String address = recipient.strip().toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return users.getOrDefault(address, address);
        }
        String local = address.substring(0, at);
        String domain = address.substring(at);
        int cut = local.length();
        for (int i = 0; i < recipientDelimiter.length(); i++) {
            int d = local.indexOf(recipientDelimiter.charAt(i));
            // POSTFIX: an address that starts with the delimiter (owner-style "+foo") keeps it (qmgr's split_addr).
            if (d > 0 && d < cut) {
                cut = d;
            }
        }
        String withoutExtension = local.substring(0, cut) + domain;
        String mapped = users.get(address);
        if (mapped == null) {
            mapped = users.get(withoutExtension);
        }
        if (mapped == null) {
            mapped = users.get(domain);
        }
        return mapped != null ? mapped : withoutExtension;
    }

    /** The score of a probability, given the configured maximum of its symbol; see the class comment. */
    public double spamScore(double probability, double maximum) {
        return maximum * (1 + (probability - spamProbability) / (1 - spamProbability)) / 2;
    }

    /** The score of a probability, given the configured maximum (a negative number) of the ham symbol. */
    public double hamScore(double probability, double maximum) {
        return maximum * (1 + (hamProbability - probability) / hamProbability) / 2;
    }

    private static Map<String, String> users(Map<String, String> given) {
        Map<String, String> lowered = new TreeMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = String.valueOf(e.getKey());
            int at = key.lastIndexOf('@');
            boolean valid = at >= 0 && at == key.indexOf('@') && Checks.isHostName(key.substring(at + 1))
                    && Checks.firstNonPrintable(key) < 0 && !key.contains(" ");
            if (!valid) {
                throw new InvalidValueException(List.of("users", key), "is not an address (info@example.com) or a"
                        + " whole domain (\"@example.org\", quoted)", List.of("users", key), true);
            }
            String user = e.getValue();
            if (user == null || user.isEmpty() || Checks.firstNonPrintable(user) >= 0 || user.contains(" ")
                    || user.getBytes(StandardCharsets.UTF_8).length > MAX_USER_KEY_BYTES) {
                throw new InvalidValueException(List.of("users", key), "must be a user key: 1 to "
                        + MAX_USER_KEY_BYTES + " printable ASCII characters without spaces, such as alice@example.com",
                        List.of("users", key), false);
            }
            if (lowered.put(key.toLowerCase(Locale.ROOT), user.toLowerCase(Locale.ROOT)) != null) {
                throw new InvalidValueException(List.of("users", key), "repeats an entry that differs only in"
                        + " case; merge the two", List.of("users", key), true);
            }
        }
        return java.util.Collections.unmodifiableMap(lowered);
    }
}
