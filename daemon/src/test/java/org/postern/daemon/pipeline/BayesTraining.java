package org.postern.daemon.pipeline;

import java.nio.charset.StandardCharsets;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.LearnKey;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.TokenizerSettings;

/**
 * Generated training for Bayes tests: "offer" messages (pills, casino, prizes) and "work" messages (meetings,
 * reports), each a little different, learned with the store's own API. A user trained {@code offersAreSpam} finds an
 * offer spam; a user trained the other way round finds the same message ham.
 */
public final class BayesTraining {

    private static final BayesTokenizer TOKENIZER = BayesTokenizer.create(TokenizerSettings.DEFAULT);

    private static final String[] OFFER_WORDS = {"cheap", "pills", "casino", "bonus", "winner", "prize", "viagra",
        "lottery", "unclaimed", "jackpot", "discount", "pharmacy"};
    private static final String[] WORK_WORDS = {"meeting", "agenda", "quarterly", "report", "project", "deadline",
        "minutes", "budget", "review", "schedule", "colleagues", "draft"};

    private BayesTraining() {
    }

    /** An offer message; {@code n} varies it. */
    public static byte[] offer(int n) {
        return message("promo" + n + "@offers.test", "Exclusive bonus " + n + " for you",
                sentence(OFFER_WORDS, n) + "\r\nClaim your casino jackpot prize now, unclaimed winner " + n + ".\r\n");
    }

    /** A work message; {@code n} varies it. */
    public static byte[] work(int n) {
        return message("colleague" + n + "@work.test", "Project meeting " + n,
                sentence(WORK_WORDS, n) + "\r\nThe quarterly report draft is due before the review meeting " + n
                        + ".\r\n");
    }

    /** Learns {@code count} offers and {@code count} work messages for {@code user}. */
    public static void train(LmdbBayesStore store, String user, boolean offersAreSpam, int count) {
        for (int i = 0; i < count; i++) {
            learn(store, user, offer(i), offersAreSpam);
            learn(store, user, work(i), !offersAreSpam);
        }
    }

    private static void learn(LmdbBayesStore store, String user, byte[] raw, boolean spam) {
        store.learn(user, LearnKey.of(raw), TOKENIZER.tokenize(raw), spam);
    }

    private static String sentence(String[] words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(words[(n + i * 5) % words.length]).append(i % 4 == 3 ? ".\r\n" : " ");
        }
        return sb.toString();
    }

    private static byte[] message(String from, String subject, String body) {
        return ("From: <" + from + ">\r\nTo: <list@example.test>\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + Math.abs(body.hashCode()) + "@" + from.substring(from.indexOf('@') + 1)
                + ">\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }
}
