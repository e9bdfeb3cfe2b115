package org.postern.daemon.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.postern.bayes.BayesTokenizer;
import org.postern.bayes.LearnKey;
import org.postern.bayes.LearnOutcome;
import org.postern.bayes.LearnRequest;

/**
 * One {@code postern learn} run: finds the messages, reads and tokenizes them in parallel, and stores them with one
 * committer that puts many messages in each durable transaction.
 *
 * <pre>
 *   lister ──▶ [pending] ──▶ N readers/tokenizers ──▶ [tokenized] ──▶ collector ──▶ [one batch] ──▶ committer
 *   (walks PATHs,           (read file, LearnKey,                    (calling       (handoff)       (learnAll, then
 *    splits mboxes)          tokens)                                  thread)                        count, report)
 * </pre>
 * Every queue is bounded, so a 100k-message Maildir never sits in memory: the lister holds file names, each worker
 * one message, and the tokenized queue and the batches hold token hashes (about 10 KB a message), not messages. The
 * collector hands a batch over when it holds {@link Settings#batchMessages} messages, or when its first message has
 * waited {@link Settings#batchDelay} and the committer is free. The committer counts a batch's outcomes in the summary
 * and tells the {@link Listener} only after its commit: whatever the run reports as learned is on disk. Messages that
 * were too big or unreadable travel in the batch and are counted when the committer takes it.
 *
 * <p>A message that cannot be read or tokenized is counted as unreadable with its reason and the run goes on. A store
 * failure (a full map, a broken disk) ends the run: it is thrown from {@link #run} once, after the batches committed
 * before it were counted.
 */
final class LearnRun {

    /** How the run is tuned; {@link #defaults} for the command line. */
    record Settings(long maxMessageBytes, int workers, int batchMessages, Duration batchDelay) {
        Settings {
            if (maxMessageBytes < 1 || workers < 1 || batchMessages < 1) {
                throw new IllegalArgumentException("maxMessageBytes, workers and batchMessages must be positive");
            }
            requireNonNull(batchDelay, "batchDelay");
        }

        /** The longest a learned message waits for its commit, so "reported as learned" lags by about a second. */
        static final Duration BATCH_DELAY = Duration.ofSeconds(1);

        /**
         * One tokenizer per core, and batches of up to {@code batchMessages} messages or {@link #BATCH_DELAY}. A batch
         * rewrites every store bucket it touches (a large batch touches nearly all of them), so larger batches cost
         * less per message; a single message from a Sieve pipe is still committed at once (the run ends).
         */
        static Settings defaults(long maxMessageBytes, int batchMessages) {
            return new Settings(maxMessageBytes, Math.max(1, Runtime.getRuntime().availableProcessors()),
                    batchMessages, BATCH_DELAY);
        }
    }

    /**
     * Turns a message's bytes and learn key into its request ({@link BayesTokenizer#tokenize}). Runs on the worker
     * threads, so it must be thread-safe.
     */
    @FunctionalInterface
    interface Tokenizer {
        /** @param learnKey the message's {@link LearnKey}, already computed for the {@link Precheck} */
        LearnRequest prepare(byte[] message, String learnKey);
    }

    /**
     * What the store answers for a message without tokenizing it: {@link LearnOutcome#ALREADY_LEARNED} when its seen
     * entry has the class being learned, {@link LearnOutcome#NOT_LEARNED} when a message to forget has none, else
     * empty. Runs on the worker threads (one read transaction each), so re-learning a folder learned before costs
     * reading and hashing, not tokenizing. Only a shortcut: {@link Store#write} decides again inside its transaction.
     */
    @FunctionalInterface
    interface Precheck {
        Precheck NONE = learnKey -> Optional.empty();

        Optional<LearnOutcome> known(String learnKey);
    }

    /** Stores one batch in one durable transaction ({@code LmdbBayesStore.learnAll}); one outcome per request. */
    @FunctionalInterface
    interface Store {
        List<LearnOutcome> write(List<LearnRequest> batch);
    }

    /** Told about each transaction, on the committer thread (the {@code --verbose} lines). */
    interface Listener {
        Listener NONE = new Listener() {
        };

        /** A transaction of {@code messages} messages is about to be committed. */
        default void committing(int messages) {
        }

        /** The transaction committed; {@code summary} counts everything stored so far. */
        default void committed(LearnSummary summary) {
        }
    }

    /**
     * KiB of message bytes (mbox and stdin messages, read by the lister) that may wait in the pending queue at once:
     * the queue's length bounds the number of messages, this their memory. A message larger than the budget still
     * passes, alone.
     */
    static final int PENDING_KIB = 64 * 1024;

    /** Held by messages in memory between the lister and the worker that tokenizes them. */
    private final Semaphore pendingKib = new Semaphore(PENDING_KIB);

    /** Marks the end of the pending queue for one worker. */
    private static final PendingMessage END = new PendingMessage.Unreadable("", "end of input");
    /** A worker saying it has seen {@link #END}. */
    private static final Object WORKER_DONE = new Object();

    private final Settings settings;
    private final Tokenizer tokenizer;
    private final Precheck precheck;
    private final Store store;
    private final Listener listener;
    private final LongSupplier nanoTime;
    /** Collector to committer; holding one batch lets the next one grow while it commits. */
    private final BlockingQueue<Batch> handoff = new ArrayBlockingQueue<>(1);

    LearnRun(Settings settings, Precheck precheck, Tokenizer tokenizer, Store store, Listener listener,
            LongSupplier nanoTime) {
        this.settings = requireNonNull(settings, "settings");
        this.precheck = requireNonNull(precheck, "precheck");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer");
        this.store = requireNonNull(store, "store");
        this.listener = requireNonNull(listener, "listener");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Learns every message of {@code sources} into {@code summary}, drawing {@code progress} (may be null) as it goes.
     * Returns when every message is counted or the store failed (which is thrown after the threads stopped).
     */
    void run(List<MessageSource> sources, LearnSummary summary, ProgressBar progress) throws InterruptedException {
        int workers = settings.workers();
        BlockingQueue<PendingMessage> pending = new ArrayBlockingQueue<>(workers * 64);
        // The collector drains this into its batch at once, so it only needs to smooth out the workers.
        BlockingQueue<Object> results = new ArrayBlockingQueue<>(1024);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(workers + 2, r -> {
            Thread t = new Thread(r, "postern-learn-" + threadNumber.getAndIncrement());
            t.setDaemon(true);          // never keeps the JVM alive after a failure
            return t;
        });
        try {
            // Kept so that a lister or worker that dies (an Error, a bug) ends the run instead of leaving the
            // collector waiting for an end marker that never comes.
            List<Future<?>> producers = new ArrayList<>();
            producers.add(threads.submit(() -> list(sources, pending, workers)));
            for (int i = 0; i < workers; i++) {
                producers.add(threads.submit(() -> work(pending, results)));
            }
            collect(results, workers, threads.submit(() -> commitAll(summary, progress)), producers);
        } finally {
            threads.shutdownNow();      // after a store failure the others may be blocked on a full queue
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void list(List<MessageSource> sources, BlockingQueue<PendingMessage> pending, int workers) {
        try {
            for (MessageSource source : sources) {
                source.emit(m -> {
                    pendingKib.acquire(kib(m));
                    pending.put(m);
                });
            }
            for (int i = 0; i < workers; i++) {
                pending.put(END);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();     // the run is stopping
        }
    }

    private void work(BlockingQueue<PendingMessage> pending, BlockingQueue<Object> results) {
        try {
            while (true) {
                PendingMessage m = pending.take();
                if (m == END) {
                    results.put(WORKER_DONE);
                    return;
                }
                Object result;
                try {
                    result = handle(m);
                } finally {
                    pendingKib.release(kib(m));
                }
                results.put(result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The share of {@link #PENDING_KIB} a pending message holds: its bytes when in memory, else none. */
    private static int kib(PendingMessage m) {
        if (m instanceof PendingMessage.InMemory im) {
            return (int) Math.min(PENDING_KIB, Math.max(1, im.bytes().length / 1024));
        }
        return 0;
    }

    /** Reads and tokenizes one message: its {@link LearnRequest}, or the message as too big or unreadable. */
    private Object handle(PendingMessage m) {
        byte[] bytes;
        if (m instanceof PendingMessage.OnDisk d) {
            Object read = read(d.path());
            if (!(read instanceof byte[] b)) {
                return read;
            }
            bytes = b;
        } else if (m instanceof PendingMessage.InMemory im) {
            bytes = im.bytes();
        } else {
            return m;                           // too big or unreadable already
        }
        try {
            String key = LearnKey.of(bytes);
            Optional<LearnOutcome> known = precheck.known(key);
            return known.isPresent() ? new Known(known.get()) : tokenizer.prepare(bytes, key);
        } catch (RuntimeException e) {
            // A tokenizer bug must not end a run over a 100k-message Maildir: name the message and go on.
            return new PendingMessage.Unreadable(m.origin(), "cannot tokenize: " + e);
        }
    }

    /**
     * The file's bytes, or a {@link PendingMessage} saying why not (too big, gone, unreadable). Package-private for
     * tests.
     */
    Object read(Path path) {
        try {
            return readFile(path);
        } catch (NoSuchFileException e) {
            // A mail client flagged or moved the message since it was listed (new/x → cur/x:2,S): follow it once.
            Path moved = maildirRename(path);
            if (moved != null) {
                try {
                    return readFile(moved);
                } catch (IOException again) {
                    return new PendingMessage.Unreadable(path.toString(), MessageSource.reason(again));
                }
            }
            if (!Files.isSymbolicLink(path)) {
                return new PendingMessage.Gone(path.toString());   // listed, then expunged: not an error
            }
            return new PendingMessage.Unreadable(path.toString(), MessageSource.reason(e));   // a dangling link
        } catch (IOException e) {
            return new PendingMessage.Unreadable(path.toString(), MessageSource.reason(e));
        }
    }

    private Object readFile(Path path) throws IOException {
        long size = Files.size(path);
        if (size > settings.maxMessageBytes()) {
            return new PendingMessage.TooBig(path.toString(), size);
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length > settings.maxMessageBytes()) {
            return new PendingMessage.TooBig(path.toString(), bytes.length);     // it grew since the stat
        }
        if (bytes.length == 0) {
            return new PendingMessage.Unreadable(path.toString(), "empty message");
        }
        return bytes;
    }

    /**
     * Where a Maildir message went when its client changed its flags or moved it from new/ to cur/: the file in
     * {@code cur/} with the same unique name (the part before {@code :}), or null. Maildir spec (cr.yp.to/proto/
     * maildir.html): the unique name never changes, only the info after the colon.
     */
    static Path maildirRename(Path path) {
        Path parent = path.getParent();
        Path name = path.getFileName();
        if (parent == null || name == null || parent.getParent() == null) {
            return null;
        }
        String dir = parent.getFileName().toString();
        if (!dir.equals("new") && !dir.equals("cur")) {
            return null;
        }
        String unique = name.toString();
        int colon = unique.indexOf(':');
        if (colon >= 0) {
            unique = unique.substring(0, colon);
        }
        Path cur = parent.getParent().resolve("cur");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cur, unique + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!f.equals(path) && (n.equals(unique) || n.startsWith(unique + ":"))) {
                    return f;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;                        // no cur/, or a name glob() cannot take: report the first error
        }
        return null;
    }

    /**
     * The collector (calling thread): gathers results into batches and hands each to the committer. A batch is handed
     * over when it is full, or when its first message has waited {@link Settings#batchDelay} and the committer is
     * idle; while the committer is busy the batch keeps growing up to the limit. A commit rewrites every store bucket
     * it touches, so its cost hardly depends on its size: letting batches grow while the previous one commits makes
     * them as large as the store's speed calls for.
     */
    private void collect(BlockingQueue<Object> results, int workers, Future<?> committer, List<Future<?>> producers)
            throws InterruptedException {
        long delayNanos = settings.batchDelay().toNanos();
        Batch batch = new Batch();
        long deadline = 0;
        int done = 0;
        while (done < workers) {
            failIfDone(committer);
            failIfFailed(producers);
            // At least 1 ms: past the deadline with the committer still busy, a zero wait would spin a core.
            long wait = batch.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(100)
                    : Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - nanoTime.getAsLong());
            Object r = results.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            if (r == WORKER_DONE) {
                done++;
            } else if (r != null) {
                if (batch.isEmpty()) {
                    deadline = nanoTime.getAsLong() + delayNanos;
                }
                batch.add(r);
            }
            if (batch.requests.size() >= settings.batchMessages()) {
                handOver(batch, committer);
                batch = new Batch();
            } else if (!batch.isEmpty() && nanoTime.getAsLong() - deadline >= 0 && handoff.offer(batch)) {
                batch = new Batch();
            }
        }
        handOver(batch, committer);
        handOver(Batch.LAST, committer);
        try {
            committer.get();
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    /** The committer thread: stores each batch in one transaction, then counts it, tells the listener, redraws. */
    private Void commitAll(LearnSummary summary, ProgressBar progress) throws InterruptedException {
        while (true) {
            Batch batch = handoff.poll(100, TimeUnit.MILLISECONDS);
            if (batch == Batch.LAST) {
                return null;
            }
            if (batch != null) {
                commit(batch, summary);
            }
            if (progress != null) {
                progress.update(summary.done());
            }
        }
    }

    private void handOver(Batch batch, Future<?> committer) throws InterruptedException {
        while (!handoff.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            failIfDone(committer);
        }
    }

    /** A lister or worker that ended with an exception or error ends the run with it. */
    private static void failIfFailed(List<Future<?>> producers) throws InterruptedException {
        for (Future<?> f : producers) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw rethrow(e);
                }
            }
        }
    }

    /** A committer that stopped before {@link Batch#LAST} failed: its exception ends the run. */
    private static void failIfDone(Future<?> committer) throws InterruptedException {
        if (committer.isDone()) {
            try {
                committer.get();
            } catch (ExecutionException e) {
                throw rethrow(e);
            }
            throw new IllegalStateException("the committer stopped before the last batch");
        }
    }

    private static RuntimeException rethrow(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("a learn thread failed: " + cause, cause);
    }

    private void commit(Batch batch, LearnSummary summary) {
        for (PendingMessage skipped : batch.skipped) {
            if (skipped instanceof PendingMessage.TooBig) {
                summary.recordTooBig();
            } else if (skipped instanceof PendingMessage.Gone) {
                summary.recordGone();
            } else if (skipped instanceof PendingMessage.Unreadable u) {
                summary.recordUnreadable(u.origin(), u.reason());
            }
        }
        batch.known.forEach(summary::record);
        if (batch.requests.isEmpty()) {
            return;
        }
        listener.committing(batch.requests.size());
        List<LearnOutcome> outcomes = store.write(batch.requests);
        if (outcomes.size() != batch.requests.size()) {
            throw new IllegalStateException(outcomes.size() + " outcomes for " + batch.requests.size() + " messages");
        }
        outcomes.forEach(summary::record);
        listener.committed(summary);
    }

    /** A message the {@link Precheck} answered: counted with the batch it travels in, never written. */
    private record Known(LearnOutcome outcome) {
    }

    /** What the collector hands to the committer: requests to store, and messages skipped before the store. */
    private static final class Batch {
        static final Batch LAST = new Batch();

        final List<LearnRequest> requests = new ArrayList<>();
        final List<PendingMessage> skipped = new ArrayList<>();
        final List<LearnOutcome> known = new ArrayList<>();

        void add(Object result) {
            if (result instanceof LearnRequest r) {
                requests.add(r);
            } else if (result instanceof Known k) {
                known.add(k.outcome());
            } else if (result instanceof PendingMessage p) {
                skipped.add(p);
            } else {
                throw new IllegalStateException("unexpected result " + result);
            }
        }

        boolean isEmpty() {
            return requests.isEmpty() && skipped.isEmpty() && known.isEmpty();
        }
    }
}
