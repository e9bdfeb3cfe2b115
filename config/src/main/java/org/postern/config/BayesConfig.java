package org.postern.config;

/**
 * The Bayes classifier (issue #5). YAML key {@code bayes}. Token counts live per user in an LMDB store under
 * {@code state_dir/bayes}; {@code postern learn} trains it and the daemon classifies at end of message.
 *
 * @param enabled          classify incoming mail at end of message; default true (a user or the global model needs
 *                         {@code min_spam} and {@code min_ham} learned messages before it gives a symbol)
 * @param minSpam          learned spam a model needs before it is used; 1..1000000, default 200
 * @param minHam           learned ham a model needs before it is used; 1..1000000, default 200
 * @param maxScannedBytes  bytes of a message the tokenizer reads (the rest is ignored, so the work per message is
 *                         bounded); 4096..67108864, default 524288 (512 KiB)
 * @param maxTokensPerUser distinct tokens kept per user; {@code postern learn} prunes the weakest and oldest beyond
 *                         this; 10000..100000000, default 2000000
 * @throws IllegalArgumentException if a value breaks a rule; the message names the YAML key
 */
public record BayesConfig(boolean enabled, int minSpam, int minHam, int maxScannedBytes, int maxTokensPerUser) {

    static final BayesConfig DEFAULTS = new BayesConfig(true, 200, 200, 512 * 1024, 2_000_000);

    public BayesConfig {
        Checks.between("min_spam", minSpam, 1, 1_000_000);
        Checks.between("min_ham", minHam, 1, 1_000_000);
        Checks.between("max_scanned_bytes", maxScannedBytes, 4096, 64 * 1024 * 1024);
        Checks.between("max_tokens_per_user", maxTokensPerUser, 10_000, 100_000_000);
    }
}
