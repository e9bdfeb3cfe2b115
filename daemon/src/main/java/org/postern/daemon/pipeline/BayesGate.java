package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.postern.bayes.BayesClassifier;
import org.postern.bayes.BayesStoreException;
import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.BayesVerdict;
import org.postern.bayes.ClassifierSettings;
import org.postern.bayes.LmdbBayesStore;
import org.postern.bayes.TokenCounts;
import org.postern.config.BayesConfig;
import org.postern.config.SymbolConfig;

/**
 * Bayes in the pipeline (issue #5): the message is assembled as the milter sees it (header fields, then the body, at
 * most {@code bayes.max_scanned_bytes}), tokenized once on the {@code work} executor at end of message, and classified
 * once per distinct user key among the accepted recipients: with the user's own model when it has
 * {@code min_spam} and {@code min_ham} learned, else with the global model when that has, else not at all
 * ({@link RecipientBayes.Model}). A store that fails gives that user's recipients BAYES_TEMPERROR; a classification
 * that misses the end-of-message budget gives all of them BAYES_TEMPERROR. Neither ever refuses mail.
 *
 * <p>Bayes is subjective and per user, but one SMTP transaction is one message with one set of headers, so the
 * message-level score takes the <em>lowest</em> Bayes score of its recipients ({@link #messageSymbol}; a recipient
 * without a symbol counts 0): one recipient's training can never make the message be refused, discarded or marked
 * when another recipient's model would have let it through. Each recipient's own verdict is recorded in the log line
 * and given at delivery time by {@code postern check --user} (README "Bayes with several recipients").
 *
 * <p>Not classified, like SPF and DMARC: outgoing mail and clients on loopback (this host's own services).
 */
final class BayesGate {

    /** The result kinds of Bayes; their configured scores are the maxima that {@link BayesConfig} scales. */
    static final Set<String> RESULT_KINDS = Set.of("bayes.spam", "bayes.ham", "bayes.temperror");

    private static final System.Logger LOG = System.getLogger(BayesGate.class.getName());

    /**
     * Classifications queued or running at once; more get BAYES_TEMPERROR {@code busy}. Bounds the memory of waiting
     * message copies (at most this many × {@code max_scanned_bytes}) and keeps greylisting's share of the executor.
     */
    static final int MAX_IN_FLIGHT = 16;

    private final BayesConfig config;
    private final Optional<BayesModels> models;
    private final Executor work;
    private final BayesTokenizer tokenizer;
    private final BayesClassifier classifier;
    private final SymbolConfig spam;
    private final SymbolConfig ham;
    private final SymbolConfig temperror;
    /** Classifications admitted to the work executor and not finished (see {@link #classify}). */
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    /** At most one autolearn at a time ({@link #autolearn}). */
    private final Semaphore learning = new Semaphore(1);

    /**
     * @param models the token store; empty when Bayes is off (then nothing is classified)
     * @param work   where tokenizing, classifying and learning run; never an event loop
     */
    BayesGate(BayesConfig config, Map<String, SymbolConfig> symbols, Optional<BayesModels> models, Executor work) {
        this.config = requireNonNull(config, "config");
        this.models = requireNonNull(models, "models");
        this.work = requireNonNull(work, "work");
        this.tokenizer = BayesModels.tokenizer(config);
        this.classifier = BayesClassifier.create(ClassifierSettings.withMinimums(config.minSpam(), config.minHam()));
        this.spam = requireNonNull(symbols.get("bayes.spam"), "bayes.spam");
        this.ham = requireNonNull(symbols.get("bayes.ham"), "bayes.ham");
        this.temperror = requireNonNull(symbols.get("bayes.temperror"), "bayes.temperror");
    }

    /**
     * The message assembly for Bayes, started at end of headers, or empty when Bayes does not look at this message
     * (Bayes off, outgoing mail, a client on loopback or without an IP address).
     *
     * @param leadingSpace whether header values keep the space after the colon (SMFIP_HDR_LEADSPC)
     */
    Optional<MessageBytes> begin(ConnectionFacts connection, Envelope envelope, ReceivedHeaders headers,
                                 boolean leadingSpace) {
        if (!config.enabled() || models.isEmpty() || envelope.outgoing() || !connection.remoteClient()) {
            return Optional.empty();
        }
        var message = new MessageBytes(config.maxScannedBytes());
        for (ReceivedHeaders.Field f : headers.fields()) {
            // Folds arrive joined by a bare LF (milter-protocol.md §2); the tokenizer reads RFC 5322 CRLF lines.
            String value = f.value().replace("\r\n", "\n").replace("\n", "\r\n");
            message.append(f.name() + ":" + (leadingSpace ? "" : " ") + value + "\r\n");
        }
        message.append("\r\n");
        return Optional.of(message);
    }

    /**
     * Classifies the message for each recipient, on the work executor. The future never completes exceptionally and
     * completes within {@code budget}; what has not answered by then is BAYES_TEMPERROR.
     *
     * @param recipients the accepted recipients, in order
     * @param enabledFor whether a recipient's policy uses Bayes
     */
    CompletableFuture<List<RecipientBayes>> classify(MessageBytes message, List<String> recipients,
                                                     Predicate<String> enabledFor, Duration budget) {
        // The work executor is shared with greylisting and its queue is unbounded: admit a bounded number of
        // classifications (each holds a copy of up to max_scanned_bytes), and answer the rest with the temperror.
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(failed(recipients, enabledFor, "busy"));
        }
        byte[] raw = message.bytes();
        long deadline = System.nanoTime() + budget.toNanos();
        CompletableFuture<List<RecipientBayes>> started;
        try {
            started = CompletableFuture.supplyAsync(() -> {
                try {
                    if (System.nanoTime() - deadline >= 0) {
                        return null;                          // its answer was given already: do not do the work
                    }
                    return classifyNow(raw, recipients, enabledFor, message);
                } finally {
                    inFlight.release();
                }
            }, work);
        } catch (RejectedExecutionException shuttingDown) {
            inFlight.release();
            return CompletableFuture.completedFuture(failed(recipients, enabledFor, "work_executor_stopped"));
        }
        return started.handle((results, bug) -> {
            if (bug == null && results == null) {
                return failed(recipients, enabledFor, "timeout_at_end_of_message");
            }
            if (bug != null) {
                LOG.log(Level.ERROR, "bayes failed; continuing with its temperror symbol", bug);
                return failed(recipients, enabledFor, "internal_error");
            }
            return results;
        }).completeOnTimeout(failed(recipients, enabledFor, "timeout_at_end_of_message"), budget.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private List<RecipientBayes> classifyNow(byte[] raw, List<String> recipients, Predicate<String> enabledFor,
                                             MessageBytes message) {
        var tokens = tokenizer.tokenize(raw);
        BayesModels store = models.orElseThrow();
        List<RecipientBayes> results = classifyFor(recipients, enabledFor,
                counts -> classifier.classify(tokens, counts));
        if (!message.truncated()) {
            // A cut message's LearnKey (its body digest) would not match the delivered copy's, so a later
            // `postern learn` of that copy would count it a second time instead of moving it: not autolearned.
            message.learner = spamClass -> store.learn(LmdbBayesStore.GLOBAL, raw, tokens, spamClass);
        }
        return results;
    }

    /** Tokenizes and classifies on the calling thread, as at delivery time ({@code postern check}); no autolearn. */
    List<RecipientBayes> classifyNow(byte[] raw, List<String> recipients, Predicate<String> enabledFor) {
        var tokens = tokenizer.tokenize(raw);
        return classifyFor(recipients, enabledFor, counts -> classifier.classify(tokens, counts));
    }

    /**
     * The results for each recipient, classifying once per distinct user key, on the calling thread.
     *
     * @param classify the message's classification against one model's counts
     */
    List<RecipientBayes> classifyFor(List<String> recipients, Predicate<String> enabledFor,
                                     Function<TokenCounts, BayesVerdict> classify) {
        Map<String, RecipientBayes> byUser = new HashMap<>();
        RecipientBayes[] global = new RecipientBayes[1];
        List<RecipientBayes> results = new ArrayList<>(recipients.size());
        for (String recipient : recipients) {
            String user = config.userKey(recipient);
            if (!enabledFor.test(recipient)) {
                results.add(new RecipientBayes(recipient, user, RecipientBayes.Model.DISABLED, OptionalDouble.empty(),
                        Optional.empty()));
                continue;
            }
            RecipientBayes forUser = byUser.computeIfAbsent(user, u -> classifyUser(u, classify, global));
            results.add(new RecipientBayes(recipient, user, forUser.model(), forUser.probability(), forUser.symbol()));
        }
        return results;
    }

    /** One user's result: their own model, else the global one (read at most once per message), else none. */
    private RecipientBayes classifyUser(String user, Function<TokenCounts, BayesVerdict> classify,
                                        RecipientBayes[] global) {
        BayesModels store = models.orElseThrow();
        try {
            BayesVerdict own = store.read(user, counts -> enough(counts) ? classify.apply(counts) : null);
            if (own != null) {
                return result(user, RecipientBayes.Model.USER, own.probability());
            }
            if (global[0] == null) {
                BayesVerdict shared = store.read(LmdbBayesStore.GLOBAL,
                        counts -> enough(counts) ? classify.apply(counts) : null);
                global[0] = shared == null
                        ? new RecipientBayes(user, LmdbBayesStore.GLOBAL, RecipientBayes.Model.NONE,
                                OptionalDouble.empty(), Optional.empty())
                        : result(LmdbBayesStore.GLOBAL, RecipientBayes.Model.GLOBAL, shared.probability());
            }
            return global[0];
        } catch (BayesStoreException e) {
            // Expected trouble (disk full, a broken file): the store said why; the message goes on (DESIGN.md).
            LOG.log(Level.WARNING, "bayes store failed for user " + user + ": " + e.getMessage());
            return new RecipientBayes(user, user, RecipientBayes.Model.ERROR, OptionalDouble.empty(),
                    Optional.of(temperrorSymbol("store_error")));
        } catch (IllegalArgumentException badKey) {
            // A user key the store refuses (over 255 bytes, say from a catch-all): this user only, not the message.
            LOG.log(Level.WARNING, "bayes: no model for user key " + user + ": " + badKey.getMessage());
            return new RecipientBayes(user, user, RecipientBayes.Model.ERROR, OptionalDouble.empty(),
                    Optional.of(temperrorSymbol("bad_user_key")));
        }
    }

    private boolean enough(TokenCounts counts) {
        return counts.learnedSpam() >= config.minSpam() && counts.learnedHam() >= config.minHam();
    }

    private RecipientBayes result(String user, RecipientBayes.Model model, double probability) {
        return new RecipientBayes(user, user, model, OptionalDouble.of(probability), symbolFor(probability));
    }

    /**
     * BAYES_SPAM or BAYES_HAM with the score scaled by confidence ({@link BayesConfig}), rounded to hundredths as the
     * symbols header shows it (so what {@code postern check} reads back adds up to the same score); empty when unsure.
     */
    Optional<Symbol> symbolFor(double probability) {
        String reason = String.format(Locale.ROOT, "%.4f", probability);
        if (probability >= config.spamProbability()) {
            return Optional.of(Symbol.scored(spam.name(), hundredths(config.spamScore(probability, spam.score())),
                    reason, false));
        }
        if (probability <= config.hamProbability()) {
            return Optional.of(Symbol.scored(ham.name(), hundredths(config.hamScore(probability, ham.score())),
                    reason, false));
        }
        return Optional.empty();
    }

    private Symbol temperrorSymbol(String reason) {
        return Symbol.scored(temperror.name(), temperror.score(), reason, false);
    }

    private List<RecipientBayes> failed(List<String> recipients, Predicate<String> enabledFor, String reason) {
        List<RecipientBayes> results = new ArrayList<>(recipients.size());
        for (String r : recipients) {
            boolean enabled = enabledFor.test(r);
            results.add(new RecipientBayes(r, config.userKey(r),
                    enabled ? RecipientBayes.Model.ERROR : RecipientBayes.Model.DISABLED, OptionalDouble.empty(),
                    enabled ? Optional.of(temperrorSymbol(reason)) : Optional.empty()));
        }
        return results;
    }

    /**
     * The Bayes symbol of the whole message: the lowest-scoring of the recipients' (a recipient without a symbol
     * counts 0, and on a tie the earlier recipient's wins), so that no recipient's training can push the message to
     * an action another recipient's model would not have taken. Its reason is the probability only: the symbols
     * header must not tell who the (Bcc) recipients are.
     */
    static Optional<Symbol> messageSymbol(List<RecipientBayes> results) {
        Symbol lowest = null;
        double lowestScore = Double.POSITIVE_INFINITY;
        for (RecipientBayes r : results) {
            double score = r.symbol().map(Symbol::score).orElse(0.0);
            if (score < lowestScore) {
                lowestScore = score;
                lowest = r.symbol().orElse(null);
            }
        }
        return Optional.ofNullable(lowest);
    }

    /** What autolearn did with a message, as SpamAssassin's X-Spam-Status says it: {@code autolearn=WORD}. */
    enum Autolearn {
        /** Autolearn is off, or there is no store. */
        DISABLED("disabled"),
        /** The message did not qualify: its score without Bayes is between the thresholds, or it was not classified
         *  whole (cut at max_scanned_bytes, outgoing, Bayes off for its recipients). */
        NO("no"),
        /** Learned as spam (started on the work executor). */
        SPAM("spam"),
        /** Learned as ham (started on the work executor). */
        HAM("ham"),
        /** It qualified, but another autolearn was still running (or the daemon is stopping). */
        UNAVAILABLE("unavailable");

        final String word;

        Autolearn(String word) {
            this.word = word;
        }
    }

    /**
     * Autolearn (off by default): learns the message into the global model when its score without Bayes is at least
     * {@code autolearn.spam_score} or at most {@code autolearn.ham_score}, on the work executor, with the tokens the
     * classification used. Global only: per-user autolearn would let one recipient's mail train another's model.
     * Not learned: a message whose classification did not run or was cut at {@code max_scanned_bytes}, and any
     * message while another autolearn is still running.
     *
     * @param message the message as classified, or null when it was not captured for Bayes
     */
    Autolearn autolearn(MessageBytes message, double scoreWithoutBayes) {
        if (!config.autolearn().enabled() || models.isEmpty()) {
            return Autolearn.DISABLED;
        }
        Consumer<Boolean> learner = message == null ? null : message.learner;
        boolean spamClass;
        if (learner == null) {
            return Autolearn.NO;
        } else if (scoreWithoutBayes >= config.autolearn().spamScore()) {
            spamClass = true;
        } else if (scoreWithoutBayes <= config.autolearn().hamScore()) {
            spamClass = false;
        } else {
            return Autolearn.NO;
        }
        // One autolearn at a time: a write waits for LMDB's writer lock, which `postern learn` may hold for seconds,
        // and must not take the work threads greylisting needs. While one is running, others are skipped.
        if (!learning.tryAcquire()) {
            LOG.log(Level.DEBUG, "bayes autolearn skipped: another is still running");
            return Autolearn.UNAVAILABLE;
        }
        try {
            work.execute(() -> {
                try {
                    learner.accept(spamClass);
                } catch (BayesStoreException e) {
                    LOG.log(Level.WARNING, "bayes autolearn failed: " + e.getMessage());
                } finally {
                    learning.release();
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            learning.release();
            return Autolearn.UNAVAILABLE;
        }
        return spamClass ? Autolearn.SPAM : Autolearn.HAM;
    }

    private static double hundredths(double score) {
        return Math.round(score * 100.0) / 100.0;
    }

    /**
     * The message as Bayes reads it, at most {@code limit} bytes: header fields as the milter saw them, a blank line,
     * the body. Grows as chunks come (a small message takes little memory). Confined to the session's event loop
     * until {@link #bytes} hands a copy to the work executor.
     */
    static final class MessageBytes {
        private final int limit;
        private byte[] buffer = new byte[8192];
        private int length;
        private boolean truncated;
        /** Set on the work executor by a finished classification; read after its future completed. */
        volatile Consumer<Boolean> learner;

        MessageBytes(int limit) {
            this.limit = limit;
        }

        void append(String text) {
            append(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }

        void append(ByteBuffer chunk) {
            int n = Math.min(chunk.remaining(), limit - length);
            if (n < chunk.remaining()) {
                truncated = true;
            }
            if (n <= 0) {
                return;
            }
            if (length + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(length + n, buffer.length * 2)));
            }
            chunk.get(buffer, length, n);
            length += n;
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, length);
        }

        /** Whether bytes beyond the limit were dropped. */
        boolean truncated() {
            return truncated;
        }
    }
}
