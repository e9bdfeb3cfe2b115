package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.TokenCounts;

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
    LearnOutcome learn(String user, byte[] rawMessage, List<String> tokens, boolean spam);

    /** The embedded store; the caller keeps owning it and closes it. */
    static BayesModels of(LmdbBayesStore store) {
        requireNonNull(store, "store");
        return new BayesModels() {
            @Override
            public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
                return store.read(user, reader);
            }

            @Override
            public LearnOutcome learn(String user, byte[] rawMessage, List<String> tokens, boolean spam) {
                return store.learn(user, seenKey(rawMessage), tokens, spam);
            }
        };
    }

    /** The seen-index key of a message: a digest of its bytes. */
    private static String seenKey(byte[] rawMessage) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawMessage));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
