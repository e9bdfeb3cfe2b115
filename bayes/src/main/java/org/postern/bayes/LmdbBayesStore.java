package org.postern.bayes;

import static java.util.Objects.requireNonNull;
import static org.postern.bayes.BayesStoreCodec.HAM;
import static org.postern.bayes.BayesStoreCodec.SEEN;
import static org.postern.bayes.BayesStoreCodec.SPAM;
import static org.postern.bayes.BayesStoreCodec.TOKEN;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

import org.postern.bayes.BayesStoreCodec.TokenState;
import org.postern.bayes.BayesStoreCodec.Totals;

/**
 * Per-user Bayes token counts in an LMDB environment on local disk, through lmdbjava: survives restarts and crashes,
 * and may be opened by the daemon and the learn CLI at once.
 *
 * <p><b>Model.</b> Each user (a lower-cased key; {@link #GLOBAL} is the shared model) has token counts (how many
 * learned spam and ham messages contained the token, and when it was last learned), learned message counts, and a
 * seen-index of learned messages keyed by a digest the caller computes. As in sa-learn, learning a message again as
 * the same class is a no-op ({@link LearnOutcome#ALREADY_LEARNED}), as the other class moves it
 * ({@link LearnOutcome#MOVED}). Moving and forgetting take back the counts of the tokens the caller passes now: the
 * store keeps no token list per message, so the caller must tokenize the same message the same way (a changed
 * tokenizer leaves the old tokens' counts behind; counts never go below zero). The layout is in
 * {@link BayesStoreCodec}.
 *
 * <p><b>Durability.</b> Every {@link #learn}, {@link #forget} and {@link #prune} is one LMDB write transaction: all
 * of it or none of it is stored. The environment is opened without {@code MDB_NOSYNC}, {@code MDB_NOMETASYNC},
 * {@code MDB_MAPASYNC} or {@code MDB_WRITEMAP}, so a commit is on disk when the call returns and a {@code kill -9}
 * afterwards loses nothing. The cost is one {@code fdatasync} per learned message.
 *
 * <p><b>Threads and processes.</b> Thread-safe. LMDB serializes write transactions across threads and processes;
 * readers ({@link #read}, {@link #countsFor}) see a snapshot and never block writers, nor writers them. The
 * environment is opened with {@code MDB_NOTLS}, so a read transaction is not tied to its thread. At most
 * {@value #MAX_READERS} reads may run at once across all processes. Other processes may open the same directory;
 * one process must not open it twice at the same time (closing the second handle would drop the first one's locks).
 * Stale reader slots of crashed processes are cleared at open.
 *
 * <p><b>Last use and pruning.</b> A token's last-used time is the {@link Clock} time of the last {@link #learn} that
 * counted it. Classification does not update it: that would turn every read into a write and an {@code fdatasync}.
 * {@link #prune} drops the tokens with the fewest (spam + ham) messages first and, among equals, the least recently
 * learned.
 *
 * <p><b>Size.</b> A token takes its key (prefix, user and 8-byte hash, typically under 40 bytes) plus 16 bytes of value
 * plus B+tree overhead, roughly 100 bytes, so the default {@value #DEFAULT_MAP_SIZE_BYTES}-byte map holds about ten
 * million tokens. The map size is reserved address space, not memory. When it is full, writes fail with
 * {@link BayesStoreException} until {@link #prune} frees room or the store is reopened with a larger map.
 *
 * <p><b>JVM.</b> Keys and values travel as {@code byte[]} ({@link ByteArrayProxy}), so no {@code --add-opens} flag is
 * needed; see {@code LmdbGreylistStore} for where the native library comes from.
 */
public final class LmdbBayesStore implements AutoCloseable {

    /** The user key of the global model, used until a user has learned enough of their own. */
    public static final String GLOBAL = "";

    /** The default map size: 1 GiB. */
    public static final long DEFAULT_MAP_SIZE_BYTES = 1L << 30;

    /** The smallest map size accepted: 1 MiB. */
    public static final long MIN_MAP_SIZE_BYTES = 1L << 20;

    /** The name of the LMDB database inside the environment. */
    static final String DBI_NAME = "bayes";

    /** Reader slots in {@code lock.mdb}, shared by all processes (LMDB's default is 126). */
    static final int MAX_READERS = 256;

    /** rw------- for data.mdb and lock.mdb: the store holds words from users' mail. */
    private static final int FILE_MODE = 0600;

    private final Env<byte[]> env;
    private final Dbi<byte[]> dbi;
    private final Clock clock;
    private final int maxKeyBytes;
    /** Read side held by every call, write side by {@link #close()}: a closed environment is never touched. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Guarded by {@link #lifecycle}'s write lock. */
    private boolean closed;

    private LmdbBayesStore(Env<byte[]> env, Dbi<byte[]> dbi, Clock clock) {
        this.env = env;
        this.dbi = dbi;
        this.clock = clock;
        this.maxKeyBytes = env.getMaxKeySize();
    }

    /** As {@link #open(Path, long, Clock)} with {@link #DEFAULT_MAP_SIZE_BYTES} and the system UTC clock. */
    public static LmdbBayesStore open(Path directory) {
        return open(directory, DEFAULT_MAP_SIZE_BYTES);
    }

    /** As {@link #open(Path, long, Clock)} with the system UTC clock. */
    public static LmdbBayesStore open(Path directory, long mapSizeBytes) {
        return open(directory, mapSizeBytes, Clock.systemUTC());
    }

    /**
     * Opens the store in {@code directory}, creating the directory and the environment if they do not exist. The
     * caller owns the store and closes it.
     *
     * @param mapSizeBytes the most the data file may grow to, at least {@link #MIN_MAP_SIZE_BYTES}; an existing
     *                     larger data file keeps its size
     * @param clock        gives the last-used time of learned tokens
     * @throws IllegalArgumentException if the map size is too small
     * @throws BayesStoreException      if the directory cannot be created or LMDB cannot open it
     */
    public static LmdbBayesStore open(Path directory, long mapSizeBytes, Clock clock) {
        requireNonNull(directory, "directory");
        requireNonNull(clock, "clock");
        if (mapSizeBytes < MIN_MAP_SIZE_BYTES) {
            throw new IllegalArgumentException(
                    "bayes map size must be at least " + MIN_MAP_SIZE_BYTES + " bytes, not " + mapSizeBytes);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new BayesStoreException("cannot create bayes state directory " + directory, e);
        }
        Env<byte[]> env = null;
        try {
            env = Env.create(ByteArrayProxy.PROXY_BA)
                    .setMapSize(mapSizeBytes)
                    .setMaxDbs(1)
                    .setMaxReaders(MAX_READERS)
                    .open(directory.toFile(), FILE_MODE, EnvFlags.MDB_NOTLS);
            env.readerCheck();
            Dbi<byte[]> dbi = env.openDbi(DBI_NAME, DbiFlags.MDB_CREATE);
            return new LmdbBayesStore(env, dbi, clock);
        } catch (LmdbException e) {
            if (env != null) {
                env.close();
            }
            throw new BayesStoreException("cannot open bayes store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * A view of one user's counts in which every call is its own read transaction, so two calls may see different
     * commits. The view may be kept and shared between threads; it fails with {@link IllegalStateException} once the
     * store is closed. To classify, prefer {@link #read}, which answers from one snapshot and one transaction.
     *
     * @param user the user key, lower-cased here; {@link #GLOBAL} for the global model
     * @throws IllegalArgumentException if the user contains NUL or is longer than 255 bytes in UTF-8
     */
    public TokenCounts countsFor(String user) {
        byte[] u = BayesStoreCodec.user(requireNonNull(user, "user"));
        return new TokenCounts() {
            @Override
            public void lookup(MessageTokens tokens, long[] spam, long[] ham) {
                requireNonNull(tokens, "tokens");
                readUser(u, c -> {
                    c.lookup(tokens, spam, ham);
                    return null;
                });
            }

            @Override
            public long learnedSpam() {
                return readUser(u, TokenCounts::learnedSpam);
            }

            @Override
            public long learnedHam() {
                return readUser(u, TokenCounts::learnedHam);
            }
        };
    }

    /**
     * Runs {@code reader} on one user's counts inside one read transaction, on the calling thread, and returns its
     * result: {@code store.read(user, counts -> classifier.classify(tokens, counts))}. The counts are one consistent
     * snapshot; writes committed meanwhile (by any process) are not seen, and are not blocked. The counts must not
     * be used after {@code reader} returns (they throw {@link IllegalStateException}). Keep {@code reader} short: an
     * open read transaction keeps LMDB from reusing the pages that writers free.
     *
     * @throws BayesStoreException if LMDB fails; exceptions from {@code reader} propagate
     */
    public <T> T read(String user, Function<? super TokenCounts, ? extends T> reader) {
        requireNonNull(reader, "reader");
        return readUser(BayesStoreCodec.user(requireNonNull(user, "user")), reader);
    }

    /**
     * Learns one message for one user in one write transaction, with sa-learn's seen-index semantics: a new message
     * is {@link LearnOutcome#LEARNED}; one learned before as the same class is {@link LearnOutcome#ALREADY_LEARNED}
     * and changes nothing; one learned as the other class is {@link LearnOutcome#MOVED} (its counts in the old class
     * are taken back). Counted tokens get the clock's time as their last use.
     *
     * @param messageId a digest of the message computed by the caller (or its Message-ID); not empty
     * @param tokens    the message's tokens
     * @throws BayesStoreException if LMDB fails (for example the map is full); nothing was stored
     */
    public LearnOutcome learn(String user, String messageId, MessageTokens tokens, boolean spam) {
        Request r = request(user, messageId, tokens);
        byte cls = spam ? SPAM : HAM;
        return withOpen("learn", () -> {
            // Re-learning a Maildir mostly finds messages already learned: answer those without the writer lock.
            try (Txn<byte[]> txn = env.txnRead()) {
                byte[] seen = dbi.get(txn, r.seenKey);
                if (seen != null && classOf(seen) == cls) {
                    return LearnOutcome.ALREADY_LEARNED;
                }
            }
            try (Txn<byte[]> txn = env.txnWrite()) {
                byte[] seen = dbi.get(txn, r.seenKey);
                Byte previous = seen == null ? null : classOf(seen);
                if (previous != null && previous == cls) {
                    return LearnOutcome.ALREADY_LEARNED;           // another writer learned it since our read
                }
                boolean move = previous != null;
                int dSpam = spam ? 1 : (move ? -1 : 0);
                int dHam = spam ? (move ? -1 : 0) : 1;
                long tokensDelta = apply(txn, r.tokenKeys, dSpam, dHam, clock.millis());
                Totals t = totals(txn, r.totalsKey);
                dbi.put(txn, r.totalsKey, BayesStoreCodec.encodeTotals(new Totals(
                        Math.max(0, t.learnedSpam() + dSpam), Math.max(0, t.learnedHam() + dHam),
                        Math.max(0, t.tokens() + tokensDelta))));
                dbi.put(txn, r.seenKey, new byte[] {cls});
                txn.commit();
                return move ? LearnOutcome.MOVED : LearnOutcome.LEARNED;
            }
        });
    }

    /**
     * Takes back a learned message in one write transaction: {@link LearnOutcome#FORGOTTEN}, or
     * {@link LearnOutcome#NOT_LEARNED} (nothing changed) when the seen-index does not have it. Tokens whose counts
     * reach zero are deleted; last-used times are left as they were.
     *
     * @param tokens the message's tokens, as passed to {@link #learn}
     * @throws BayesStoreException if LMDB fails; nothing was changed
     */
    public LearnOutcome forget(String user, String messageId, MessageTokens tokens) {
        Request r = request(user, messageId, tokens);
        return withOpen("forget", () -> {
            try (Txn<byte[]> txn = env.txnWrite()) {
                byte[] seen = dbi.get(txn, r.seenKey);
                if (seen == null) {
                    return LearnOutcome.NOT_LEARNED;
                }
                boolean spam = classOf(seen) == SPAM;
                int dSpam = spam ? -1 : 0;
                int dHam = spam ? 0 : -1;
                long tokensDelta = apply(txn, r.tokenKeys, dSpam, dHam, -1);
                Totals t = totals(txn, r.totalsKey);
                dbi.put(txn, r.totalsKey, BayesStoreCodec.encodeTotals(new Totals(
                        Math.max(0, t.learnedSpam() + dSpam), Math.max(0, t.learnedHam() + dHam),
                        Math.max(0, t.tokens() + tokensDelta))));
                dbi.delete(txn, r.seenKey);
                txn.commit();
                return LearnOutcome.FORGOTTEN;
            }
        });
    }

    /**
     * Bounds one user's token table: when it holds more than {@code maxTokens} tokens, deletes the excess, weakest
     * first — fewest (spam + ham) messages, then least recently learned, then by key — and returns how many it
     * deleted. Learned message counts and the seen-index are kept.
     *
     * <p>Cost: one write transaction that scans all of the user's tokens and keeps the excess in memory, so it holds
     * the writer lock (other learners in every process wait) for a time proportional to the user's table; about a
     * second per million tokens. Meant for the learn CLI after a run or a periodic job, not for the mail path.
     *
     * @throws IllegalArgumentException if {@code maxTokens} is negative
     * @throws BayesStoreException      if LMDB fails; nothing was deleted
     */
    public int prune(String user, long maxTokens) {
        byte[] u = BayesStoreCodec.user(requireNonNull(user, "user"));
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative, not " + maxTokens);
        }
        byte[] prefix = BayesStoreCodec.prefix(TOKEN, u);
        byte[] totalsKey = BayesStoreCodec.totalsKey(u);
        return withOpen("prune", () -> {
            try (Txn<byte[]> txn = env.txnWrite()) {
                Totals t = totals(txn, totalsKey);
                if (t.tokens() <= maxTokens) {
                    return 0;
                }
                long excess = t.tokens() - maxTokens;
                // Max-heap of the weakest `excess` seen so far: its head is the strongest of them, the one to let go.
                PriorityQueue<Candidate> weakest = new PriorityQueue<>(Candidate.WEAKEST_FIRST.reversed());
                long scanned = 0;
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    boolean found = cursor.get(prefix, GetOp.MDB_SET_RANGE);
                    while (found && BayesStoreCodec.startsWith(cursor.key(), prefix)) {
                        scanned++;
                        TokenState s = BayesStoreCodec.decodeToken(cursor.val());
                        weakest.add(new Candidate(cursor.key().clone(), s.weight(), s.lastUsedMillis()));
                        if (weakest.size() > excess) {
                            weakest.poll();
                        }
                        found = cursor.next();
                    }
                }
                for (Candidate c : weakest) {
                    dbi.delete(txn, c.key);
                }
                // The scan is the truth: it also repairs a token count that drifted.
                dbi.put(txn, totalsKey, BayesStoreCodec.encodeTotals(
                        new Totals(t.learnedSpam(), t.learnedHam(), scanned - weakest.size())));
                txn.commit();
                return weakest.size();
            }
        });
    }

    /** How many distinct tokens the user's table holds. */
    public long tokenCount(String user) {
        byte[] totalsKey = BayesStoreCodec.totalsKey(BayesStoreCodec.user(requireNonNull(user, "user")));
        return withOpen("read", () -> {
            try (Txn<byte[]> txn = env.txnRead()) {
                return totals(txn, totalsKey).tokens();
            }
        });
    }

    /** Closes the environment once no call is running. Idempotent. Committed data is already on disk. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                env.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Adds the deltas to each token (saturating at 0 and Integer.MAX_VALUE); returns the change in token count. */
    private long apply(Txn<byte[]> txn, List<byte[]> keys, int dSpam, int dHam, long touchMillis) {
        long delta = 0;
        for (byte[] key : keys) {
            byte[] v = dbi.get(txn, key);
            TokenState old = BayesStoreCodec.decodeToken(v);
            int spam = saturated(old.spam() + (long) dSpam);
            int ham = saturated(old.ham() + (long) dHam);
            if (spam == 0 && ham == 0) {
                if (v != null) {
                    dbi.delete(txn, key);
                    delta--;
                }
                continue;
            }
            long lastUsed = touchMillis >= 0 ? touchMillis : old.lastUsedMillis();
            dbi.put(txn, key, BayesStoreCodec.encodeToken(new TokenState(spam, ham, lastUsed)));
            if (v == null) {
                delta++;
            }
        }
        return delta;
    }

    private static int saturated(long n) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }

    private Totals totals(Txn<byte[]> txn, byte[] totalsKey) {
        return BayesStoreCodec.decodeTotals(dbi.get(txn, totalsKey));
    }

    private static byte classOf(byte[] seen) {
        if (seen.length != 1 || (seen[0] != SPAM && seen[0] != HAM)) {
            throw new IllegalStateException("seen-index entry with unknown class " + Arrays.toString(seen));
        }
        return seen[0];
    }

    private <T> T readUser(byte[] user, Function<? super TokenCounts, ? extends T> reader) {
        return withOpen("read", () -> {
            try (Txn<byte[]> txn = env.txnRead(); Snapshot snapshot = new Snapshot(txn, user)) {
                return reader.apply(snapshot);
            }
        });
    }

    private <T> T withOpen(String what, LmdbCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("bayes store is closed");
            }
            return call.run();
        } catch (LmdbException e) {
            throw new BayesStoreException("bayes store " + what + " failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private Request request(String user, String messageId, MessageTokens tokens) {
        byte[] u = BayesStoreCodec.user(requireNonNull(user, "user"));
        requireNonNull(messageId, "messageId");
        requireNonNull(tokens, "tokens");
        if (messageId.isEmpty()) {
            throw new IllegalArgumentException("messageId must not be empty");
        }
        byte[] prefix = BayesStoreCodec.prefix(TOKEN, u);
        // In key order (see BayesStoreCodec.tokenKey), so LMDB writes touch each page once.
        List<byte[]> keys = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            keys.add(BayesStoreCodec.tokenKey(prefix, tokens.get(i)));
        }
        return new Request(BayesStoreCodec.key(BayesStoreCodec.prefix(SEEN, u), messageId, maxKeyBytes),
                BayesStoreCodec.totalsKey(u), keys);
    }

    private static final class Request {
        final byte[] seenKey;
        final byte[] totalsKey;
        final List<byte[]> tokenKeys;

        Request(byte[] seenKey, byte[] totalsKey, List<byte[]> tokenKeys) {
            this.seenKey = seenKey;
            this.totalsKey = totalsKey;
            this.tokenKeys = tokenKeys;
        }
    }

    /** A token that prune may delete. */
    private static final class Candidate {
        static final Comparator<Candidate> WEAKEST_FIRST = Comparator.<Candidate>comparingLong(c -> c.weight)
                .thenComparingLong(c -> c.lastUsedMillis)
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.key, b.key));

        final byte[] key;
        final long weight;
        final long lastUsedMillis;

        Candidate(byte[] key, long weight, long lastUsedMillis) {
            this.key = key;
            this.weight = weight;
            this.lastUsedMillis = lastUsedMillis;
        }
    }

    @FunctionalInterface
    private interface LmdbCall<T> {
        T run();
    }

    /** One user's counts in one read transaction. Confined to the thread running {@link #read}'s reader. */
    private final class Snapshot implements TokenCounts, AutoCloseable {
        private final Txn<byte[]> txn;
        private final byte[] user;
        private final byte[] prefix;
        private Totals totals;
        private boolean done;

        Snapshot(Txn<byte[]> txn, byte[] user) {
            this.txn = txn;
            this.user = user;
            this.prefix = BayesStoreCodec.prefix(TOKEN, user);
        }

        @Override
        public void lookup(MessageTokens tokens, long[] spam, long[] ham) {
            checkLive();
            for (int i = 0; i < tokens.size(); i++) {
                TokenState state = BayesStoreCodec.decodeToken(dbi.get(txn, BayesStoreCodec.tokenKey(prefix,
                        tokens.get(i))));
                spam[i] = state.spam();
                ham[i] = state.ham();
            }
        }

        @Override
        public long learnedSpam() {
            return totals().learnedSpam();
        }

        @Override
        public long learnedHam() {
            return totals().learnedHam();
        }

        private Totals totals() {
            checkLive();
            if (totals == null) {
                totals = LmdbBayesStore.this.totals(txn, BayesStoreCodec.totalsKey(user));
            }
            return totals;
        }

        private void checkLive() {
            if (done) {
                throw new IllegalStateException("token counts used after read() returned");
            }
        }

        @Override
        public void close() {
            done = true;
        }
    }
}
