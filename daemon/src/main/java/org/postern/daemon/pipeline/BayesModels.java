package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.function.Function;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.LearnKey;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.MessageTokens;
import org.postern.bayes.TokenCounts;
import org.postern.bayes.TokenizerSettings;
import org.postern.config.BayesConfig;
import org.postern.config.PosternConfig;

/**
 * The Bayes token store as the pipeline and {@code postern check} use it: {@link #of} wraps the embedded store, tests
 * put a failing or slow store in its place (the one seam, as OkHttp's {@code Dns}). Calls block on local I/O, so they
 * run on the {@code work} executor, never on an event loop.
 */
public interface BayesModels {

    /**
     * Runs {@code reader} on one user's counts, from one snapshot, on the calling thread.
     *
     * @param user the user key; {@link LmdbBayesStore#GLOBAL} for the global model
     * @throws org.postern.bayes.BayesStoreException when the store fails
     */
    <T> T read(String user, Function<? super TokenCounts, ? extends T> reader);

    /**
     * Learns one message for one user (autolearn), keyed by the message's bytes so learning it again changes nothing.
     *
     * @throws org.postern.bayes.BayesStoreException when the store fails; nothing was stored
     */
    LearnOutcome learn(String user, byte[] rawMessage, MessageTokens tokens, boolean spam);

    /**
     * Opens the embedded store in {@code state_dir/bayes} with the configured size and read cache ({@code bayes.*});
     * the caller owns it and closes it. The daemon, {@code postern learn} and {@code postern check} all open it so.
     *
     * @throws org.postern.bayes.BayesStoreException if LMDB cannot open it
     */
    static LmdbBayesStore openStore(PosternConfig config) {
        return LmdbBayesStore.open(config.stateDir().resolve("bayes"), config.bayes().maxStoreBytes(),
                Clock.systemUTC(), config.bayes().readCacheBytes());
    }

    /**
     * The tokenizer for {@code bayes.*}: the one the daemon and {@code postern check} classify with and {@code postern
     * learn} learns with, so that learned tokens are the tokens classified.
     */
    static BayesTokenizer tokenizer(BayesConfig config) {
        return BayesTokenizer.create(new TokenizerSettings(config.maxScannedBytes(),
                TokenizerSettings.DEFAULT.maxTokens(), TokenizerSettings.DEFAULT.bigramWindow()));
    }

    /** The embedded store; the caller keeps owning it and closes it. */
    static BayesModels of(LmdbBayesStore store) {
        requireNonNull(store, "store");
        return new BayesModels() {
            @Override
            public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
                return store.read(user, reader);
            }

            @Override
            public LearnOutcome learn(String user, byte[] rawMessage, MessageTokens tokens, boolean spam) {
                // The same key `postern learn` uses, so a message autolearned and later learned by hand counts once.
                return store.learn(user, LearnKey.of(rawMessage), tokens, spam);
            }
        };
    }
}
