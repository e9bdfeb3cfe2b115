package org.postern.bayes;

import static java.util.Objects.requireNonNull;
import static org.postern.bayes.BayesStoreCodec.HAM;
import static org.postern.bayes.BayesStoreCodec.SEEN;
import static org.postern.bayes.BayesStoreCodec.SPAM;
import static org.postern.bayes.BayesStoreCodec.TOKEN;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

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
 * <p><b>Durability.</b> Every {@link #learn}, {@link #forget}, {@link #learnAll}, {@link #prune} and
 * {@link #pruneSeen} is one LMDB write transaction: all of it or none of it is stored. The environment is opened
 * without {@code MDB_NOSYNC}, {@code MDB_NOMETASYNC}, {@code MDB_MAPASYNC} or {@code MDB_WRITEMAP}, so a commit is on
 * disk when the call returns and a {@code kill -9} afterwards loses nothing. The cost is one {@code fdatasync} per
 * call, which is why bulk learning goes through {@link #learnAll}: thousands of messages per {@code fdatasync}.
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
 * learned. The seen-index is bounded too: {@link #pruneSeen} keeps each user's most recently learned entries.
 *
 * <p><b>Size.</b> Tokens live in buckets ({@link BayesStoreCodec}): 24 bytes per token plus a key and B+tree overhead
 * per bucket, roughly 40 bytes per token at the default two million per user, so the default
 * {@value #DEFAULT_MAP_SIZE_BYTES}-byte map holds about twenty million tokens (ten users at the default bound,
 * counting LMDB's copy-on-write room). The map size is reserved address space, not memory. When it is full, writes
 * fail with {@link BayesStoreException} until {@link #prune} frees room or the store is reopened with a larger map.
 *
 * <p><b>JVM.</b> Keys and values travel as {@code byte[]} ({@link ByteArrayProxy}; from lmdbjava 0.9.3 on it keeps
 * the native copy alive while LMDB reads it, {@code ByteArrayProxyStressTest}), so no {@code --add-opens} flag is
 * needed; see {@code LmdbGreylistStore} for where the native library comes from.
 */
public final class LmdbBayesStore implements AutoCloseable {

    /** The user key of the global model, used until a user has learned enough of their own. */
    public static final String GLOBAL = "";

    /** The default map size: 1 GiB. */
    public static final long DEFAULT_MAP_SIZE_BYTES = 1L << 30;

    /** The seen-index entries per user that the learn CLI keeps ({@link #pruneSeen}). */
    public static final long DEFAULT_MAX_SEEN_PER_USER = 500_000;

    /**
     * The most memory the read cache of one snapshot holds ({@link BucketCache}): a shared model of 2 million tokens
     * takes about 50 MB, a typical one a few.
     */
    public static final long DEFAULT_READ_CACHE_BYTES = 64L << 20;

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
    /** Buckets of the newest snapshot, for the next readers of it: reads are most of classifying's store time. */
    private final BucketCache bucketCache;
    /** Read side held by every call, write side by {@link #close()}: a closed environment is never touched. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Guarded by {@link #lifecycle}'s write lock. */
    private boolean closed;

    private LmdbBayesStore(Env<byte[]> env, Dbi<byte[]> dbi, Clock clock, long readCacheBytes) {
        this.env = env;
        this.bucketCache = new BucketCache(readCacheBytes);
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
        return open(directory, mapSizeBytes, clock, DEFAULT_READ_CACHE_BYTES);
    }

    /**
     * As {@link #open(Path, long, Clock)}, with a read cache of at most {@code readCacheBytes} (0: none; see
     * {@link #DEFAULT_READ_CACHE_BYTES}).
     *
     * @throws IllegalArgumentException if the map size is too small or the cache size negative
     */
    public static LmdbBayesStore open(Path directory, long mapSizeBytes, Clock clock, long readCacheBytes) {
        requireNonNull(directory, "directory");
        requireNonNull(clock, "clock");
        if (mapSizeBytes < MIN_MAP_SIZE_BYTES) {
            throw new IllegalArgumentException(
                    "bayes map size must be at least " + MIN_MAP_SIZE_BYTES + " bytes, not " + mapSizeBytes);
        }
        if (readCacheBytes < 0) {
            throw new IllegalArgumentException("bayes read cache size must not be negative, not " + readCacheBytes);
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
            checkFormat(env, dbi, directory);
            return new LmdbBayesStore(env, dbi, clock, readCacheBytes);
        } catch (RuntimeException e) {
            if (env != null) {
                env.close();
            }
            if (e instanceof LmdbException) {
                throw new BayesStoreException("cannot open bayes store in " + directory + ": " + e.getMessage(), e);
            }
            throw e;                            // the format refused, with its own sentence
        }
    }

    /**
     * Stamps an empty store with {@link BayesStoreCodec#FORMAT}, or checks the stamp of one with data: counts kept
     * under another token hash, tokenizer or layout would be read as if they were this one's, so such a store is
     * refused with what to do instead of giving quietly wrong verdicts. A stamped store is checked in a read
     * transaction: every open (each {@code postern check}) must not wait for the writer lock a learn run holds.
     */
    private static void checkFormat(Env<byte[]> env, Dbi<byte[]> dbi, Path directory) {
        byte[] stamp;
        try (Txn<byte[]> txn = env.txnRead()) {
            stamp = dbi.get(txn, BayesStoreCodec.FORMAT_KEY);
        }
        if (stamp == null) {
            stamp = stampIfEmpty(env, dbi, directory);
            if (stamp == null) {
                return;                          // stamped now
            }
        }
        String found = new String(stamp, StandardCharsets.UTF_8);
        if (!found.equals(BayesStoreCodec.FORMAT)) {
            throw new BayesStoreException("bayes store in " + directory + " has format " + found
                    + "; this Postern reads " + BayesStoreCodec.FORMAT + ". Its counts belong to another"
                    + " tokenizer: move the directory away and learn again with postern learn");
        }
    }

    /**
     * Stamps a store that has no stamp, if it is empty, and returns null; returns the stamp another process wrote
     * since the read.
     */
    private static byte[] stampIfEmpty(Env<byte[]> env, Dbi<byte[]> dbi, Path directory) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            byte[] stamp = dbi.get(txn, BayesStoreCodec.FORMAT_KEY);
            if (stamp == null) {
                boolean empty;
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    empty = !cursor.first();
                }
                if (!empty) {
                    throw new BayesStoreException("bayes store in " + directory + " has no format stamp: it was"
                            + " written by a development build whose tokens this Postern cannot read. Move the"
                            + " directory away and learn again with postern learn");
                }
                dbi.put(txn, BayesStoreCodec.FORMAT_KEY, BayesStoreCodec.formatStamp());
                txn.commit();
            }
            return stamp;
        }
    }

    /**
     * Checks a user key as every call of the store does, for callers that want to refuse it up front (a command-line
     * option) rather than on first use.
     *
     * @throws IllegalArgumentException if the user contains NUL or is longer than 255 bytes in UTF-8 once lower-cased
     */
    public static void checkUser(String user) {
        BayesStoreCodec.user(requireNonNull(user, "user"));
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
     * are taken back). Counted tokens get the clock's time as their last use. To learn many messages, use
     * {@link #learnAll}: one transaction (and one {@code fdatasync}) per message is far slower.
     *
     * @param learnKey the message's seen-index key ({@link LearnKey#of}); not empty
     * @param tokens   the message's tokens
     * @throws BayesStoreException if LMDB fails (for example the map is full); nothing was stored
     */
    public LearnOutcome learn(String user, String learnKey, MessageTokens tokens, boolean spam) {
        LearnRequest request = spam ? LearnRequest.spam(learnKey, tokens) : LearnRequest.ham(learnKey, tokens);
        // Re-learning a Maildir mostly finds messages already learned: answer those without the writer lock.
        if (learnedAs(user, learnKey).filter(request.action()::equals).isPresent()) {
            return LearnOutcome.ALREADY_LEARNED;
        }
        return learnAll(user, List.of(request)).get(0);
    }

    /**
     * How the seen-index says a message was learned: {@link LearnRequest.Action#SPAM}, {@link LearnRequest.Action#HAM},
     * or empty when it was not (or its entry was pruned). One read transaction; never blocks or waits for writers. A
     * learner uses it to skip tokenizing messages it would find already learned; the answer may be stale by the time
     * it writes, so {@link #learnAll} decides again.
     *
     * @throws BayesStoreException if LMDB fails
     */
    public Optional<LearnRequest.Action> learnedAs(String user, String learnKey) {
        byte[] seenKey = seenKey(BayesStoreCodec.user(requireNonNull(user, "user")), learnKey);
        return withOpen("read", () -> {
            try (Txn<byte[]> txn = env.txnRead()) {
                byte[] seen = dbi.get(txn, seenKey);
                if (seen == null) {
                    return Optional.empty();
                }
                return Optional.of(classOf(seen) == SPAM ? LearnRequest.Action.SPAM : LearnRequest.Action.HAM);
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
    public LearnOutcome forget(String user, String learnKey, MessageTokens tokens) {
        return learnAll(user, List.of(LearnRequest.forget(learnKey, tokens))).get(0);
    }

    /**
     * Learns and forgets a batch of messages for one user in <em>one</em> durable write transaction, and returns one
     * outcome per request, in order. The outcomes are returned only after the commit, so an outcome the caller sees
     * is on disk; if this throws, nothing of the batch was stored.
     *
     * <p>The requests are taken in order with the seen-index semantics of {@link #learn} and {@link #forget}, and
     * each sees the ones before it: the same message twice as spam is {@link LearnOutcome#LEARNED} then
     * {@link LearnOutcome#ALREADY_LEARNED}; as spam then as ham, {@code LEARNED} then {@link LearnOutcome#MOVED}. The
     * token count changes of the whole batch are summed before they are written, so each token is read and written
     * once per batch; the one difference from calling {@link #learn} message by message is where a count would go
     * below zero on the way (only possible when a message is moved or forgotten with other tokens than it was learned
     * with): it is clamped once, at the end, instead of at each step.
     *
     * <p>Cost: the writer lock (all processes) is held while the batch is applied, so batches should stay well under
     * a second; the learn CLI commits every 5000 messages or 1 s ({@code --batch}). Readers are never blocked. A
     * batch that changes nothing (every message already learned) is not committed, so it costs no {@code fdatasync}.
     *
     * @param requests at most a few thousand; empty returns an empty list without a transaction
     * @throws BayesStoreException if LMDB fails (for example the map is full); nothing of the batch was stored
     */
    public List<LearnOutcome> learnAll(String user, List<LearnRequest> requests) {
        byte[] u = BayesStoreCodec.user(requireNonNull(user, "user"));
        requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            return List.of();
        }
        List<byte[]> seenKeys = new ArrayList<>(requests.size());
        for (LearnRequest r : requests) {
            seenKeys.add(seenKey(u, requireNonNull(r, "request").learnKey()));
        }
        byte[] totalsKey = BayesStoreCodec.totalsKey(u);
        byte[] tokenPrefix = BayesStoreCodec.prefix(TOKEN, u);
        return withOpen("learn", () -> {
            try (Txn<byte[]> txn = env.txnWrite()) {
                long now = clock.millis();
                TokenDeltas deltas = new TokenDeltas();
                List<LearnOutcome> outcomes = new ArrayList<>(requests.size());
                long dLearnedSpam = 0;
                long dLearnedHam = 0;
                long dSeen = 0;
                for (int i = 0; i < requests.size(); i++) {
                    LearnRequest r = requests.get(i);
                    byte[] seenKey = seenKeys.get(i);
                    // Inside the write transaction a get sees this batch's own puts: later requests see earlier ones.
                    byte[] seen = dbi.get(txn, seenKey);
                    Byte previous = seen == null ? null : classOf(seen);
                    if (r.action() == LearnRequest.Action.FORGET) {
                        if (previous == null) {
                            outcomes.add(LearnOutcome.NOT_LEARNED);
                            continue;
                        }
                        boolean wasSpam = previous == SPAM;
                        deltas.add(r.tokens(), wasSpam ? -1 : 0, wasSpam ? 0 : -1, false);
                        dLearnedSpam -= wasSpam ? 1 : 0;
                        dLearnedHam -= wasSpam ? 0 : 1;
                        dSeen--;
                        dbi.delete(txn, seenKey);
                        outcomes.add(LearnOutcome.FORGOTTEN);
                        continue;
                    }
                    boolean spam = r.action() == LearnRequest.Action.SPAM;
                    byte cls = spam ? SPAM : HAM;
                    if (previous != null && previous == cls) {
                        outcomes.add(LearnOutcome.ALREADY_LEARNED);
                        continue;
                    }
                    boolean move = previous != null;
                    int dSpam = spam ? 1 : (move ? -1 : 0);
                    int dHam = spam ? (move ? -1 : 0) : 1;
                    deltas.add(r.tokens(), dSpam, dHam, true);
                    dLearnedSpam += dSpam;
                    dLearnedHam += dHam;
                    dSeen += move ? 0 : 1;
                    dbi.put(txn, seenKey, BayesStoreCodec.encodeSeen(cls, now));
                    outcomes.add(move ? LearnOutcome.MOVED : LearnOutcome.LEARNED);
                }
                if (outcomes.stream().allMatch(o -> o == LearnOutcome.ALREADY_LEARNED
                        || o == LearnOutcome.NOT_LEARNED)) {
                    return outcomes;                   // nothing changed: no commit, no fdatasync (txn aborts)
                }
                long tokensDelta = apply(txn, tokenPrefix, deltas, now);
                Totals t = totals(txn, totalsKey);
                dbi.put(txn, totalsKey, BayesStoreCodec.encodeTotals(new Totals(
                        Math.max(0, t.learnedSpam() + dLearnedSpam), Math.max(0, t.learnedHam() + dLearnedHam),
                        Math.max(0, t.tokens() + tokensDelta), Math.max(0, t.seen() + dSeen))));
                txn.commit();
                return outcomes;
            }
        });
    }

    /**
     * Bounds one user's token table: when it holds more than {@code maxTokens} tokens, deletes the excess, weakest
     * first — fewest (spam + ham) messages, then least recently learned (to the second), then by hash — and returns
     * how many it deleted. Learned message counts and the seen-index are kept. Weights above 65535 messages count as
     * equal: such tokens are never the weakest.
     *
     * <p>Cost: one write transaction that reads the user's table twice and holds one {@code long} per token and the
     * rewritten buckets in memory (under 40 bytes per token), so it holds the writer lock (other learners in every
     * process wait) for about a second per few million tokens. Meant for the learn CLI after a run or a periodic
     * job, not for the mail path.
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
                // Pass 1: every token's rank as one long (weight, then last use), sorted; the excess-th is the cut.
                long[] ranks = new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(t.tokens(), 1024))];
                int n = 0;
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    boolean found = cursor.get(prefix, GetOp.MDB_SET_RANGE);
                    while (found && BayesStoreCodec.startsWith(cursor.key(), prefix)) {
                        byte[] bucket = cursor.val();
                        for (int i = 0; i < BayesStoreCodec.entries(bucket); i++) {
                            if (n == ranks.length) {
                                ranks = Arrays.copyOf(ranks, (int) Math.min(Integer.MAX_VALUE - 8, n * 2L));
                            }
                            ranks[n++] = rank(bucket, i);
                        }
                        found = cursor.next();
                    }
                }
                if (n <= maxTokens) {
                    // The totals had drifted; the scan is the truth.
                    dbi.put(txn, totalsKey, BayesStoreCodec.encodeTotals(
                            new Totals(t.learnedSpam(), t.learnedHam(), n, t.seen())));
                    txn.commit();
                    return 0;
                }
                int excess = (int) (n - maxTokens);
                Arrays.sort(ranks, 0, n);
                long cut = ranks[excess - 1];
                // Tokens ranked below the cut all go; of those ranked at it, the first ones in key order.
                int atCut = 0;
                for (int i = excess - 1; i >= 0 && ranks[i] == cut; i--) {
                    atCut++;
                }
                ranks = null;
                // Pass 2: rewrite each bucket without its doomed tokens.
                int deleted = 0;
                List<byte[]> keys = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    boolean found = cursor.get(prefix, GetOp.MDB_SET_RANGE);
                    while (found && BayesStoreCodec.startsWith(cursor.key(), prefix)) {
                        byte[] bucket = cursor.val();
                        int entries = BayesStoreCodec.entries(bucket);
                        byte[] kept = new byte[entries * BayesStoreCodec.ENTRY_BYTES];
                        int k = 0;
                        for (int i = 0; i < entries; i++) {
                            long r = rank(bucket, i);
                            if (r < cut || (r == cut && atCut > 0)) {
                                atCut -= r == cut ? 1 : 0;
                                deleted++;
                                continue;
                            }
                            System.arraycopy(bucket, i * BayesStoreCodec.ENTRY_BYTES, kept,
                                    k++ * BayesStoreCodec.ENTRY_BYTES, BayesStoreCodec.ENTRY_BYTES);
                        }
                        if (k < entries) {
                            keys.add(cursor.key().clone());
                            values.add(Arrays.copyOf(kept, k * BayesStoreCodec.ENTRY_BYTES));
                        }
                        found = cursor.next();
                    }
                }
                // Written after the scan: changing entries under a cursor that is walking them is not worth the risk.
                for (int i = 0; i < keys.size(); i++) {
                    if (values.get(i).length == 0) {
                        dbi.delete(txn, keys.get(i));
                    } else {
                        dbi.put(txn, keys.get(i), values.get(i));
                    }
                }
                dbi.put(txn, totalsKey, BayesStoreCodec.encodeTotals(
                        new Totals(t.learnedSpam(), t.learnedHam(), n - deleted, t.seen())));
                txn.commit();
                return deleted;
            }
        });
    }

    /** A token's prune rank: weight (capped at 65535) in the top 16 bits, then its last use in seconds. */
    private static long rank(byte[] bucket, int i) {
        long weight = Math.min(0xFFFF,
                (long) BayesStoreCodec.entrySpam(bucket, i) + BayesStoreCodec.entryHam(bucket, i));
        long seconds = Math.max(0, Math.min((1L << 47) - 1, BayesStoreCodec.entryLastUsed(bucket, i) / 1000));
        return weight << 47 | seconds;
    }

    /** What {@link #pruneAll} deleted: tokens, and seen-index entries. */
    public record Pruned(int tokens, int seen) {
    }

    /**
     * Bounds one user's tokens to {@code maxTokens} ({@link #prune}) and seen-index to
     * {@link #DEFAULT_MAX_SEEN_PER_USER} ({@link #pruneSeen}): what follows a learn run and the daemon's hourly job.
     *
     * @throws IllegalArgumentException if {@code maxTokens} is negative
     * @throws BayesStoreException      if LMDB fails; a failed step deleted nothing
     */
    public Pruned pruneAll(String user, long maxTokens) {
        return new Pruned(prune(user, maxTokens), pruneSeen(user, DEFAULT_MAX_SEEN_PER_USER));
    }

    /**
     * Bounds one user's seen-index: when it holds more than {@code maxEntries} learned messages, forgets that the
     * oldest (by the time they were learned or last moved) were learned, and returns how many entries it deleted.
     * Their token counts stay: a pruned message still counts, it just would be counted again if it were learned
     * again, and {@link #forget} no longer knows it. Keeping the newest entries is what matters for re-learning a
     * mailbox: its messages are the recent ones. The learn CLI keeps {@value #DEFAULT_MAX_SEEN_PER_USER}
     * per user (about 100 bytes each).
     *
     * <p>Cost as {@link #prune}: one write transaction that scans the user's seen-index.
     *
     * @throws IllegalArgumentException if {@code maxEntries} is negative
     * @throws BayesStoreException      if LMDB fails; nothing was deleted
     */
    public int pruneSeen(String user, long maxEntries) {
        byte[] u = BayesStoreCodec.user(requireNonNull(user, "user"));
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, not " + maxEntries);
        }
        byte[] prefix = BayesStoreCodec.prefix(SEEN, u);
        byte[] totalsKey = BayesStoreCodec.totalsKey(u);
        return withOpen("prune", () -> {
            try (Txn<byte[]> txn = env.txnWrite()) {
                Totals t = totals(txn, totalsKey);
                if (t.seen() <= maxEntries) {
                    return 0;
                }
                long excess = t.seen() - maxEntries;
                // Max-heap of the oldest `excess` seen so far: its head is the newest of them, the one to keep.
                PriorityQueue<Candidate> oldest = new PriorityQueue<>(Candidate.OLDEST_FIRST.reversed());
                long scanned = 0;
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    boolean found = cursor.get(prefix, GetOp.MDB_SET_RANGE);
                    while (found && BayesStoreCodec.startsWith(cursor.key(), prefix)) {
                        scanned++;
                        oldest.add(new Candidate(cursor.key().clone(), BayesStoreCodec.seenAtMillis(cursor.val())));
                        if (oldest.size() > excess) {
                            oldest.poll();
                        }
                        found = cursor.next();
                    }
                }
                for (Candidate c : oldest) {
                    dbi.delete(txn, c.key);
                }
                dbi.put(txn, totalsKey, BayesStoreCodec.encodeTotals(
                        new Totals(t.learnedSpam(), t.learnedHam(), t.tokens(), scanned - oldest.size())));
                txn.commit();
                return oldest.size();
            }
        });
    }

    /** How many learned messages the user's seen-index holds. */
    public long seenCount(String user) {
        byte[] totalsKey = BayesStoreCodec.totalsKey(BayesStoreCodec.user(requireNonNull(user, "user")));
        return withOpen("read", () -> {
            try (Txn<byte[]> txn = env.txnRead()) {
                return totals(txn, totalsKey).seen();
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

    /**
     * Writes a batch's summed token changes in key order (saturating at 0 and Integer.MAX_VALUE); returns the change
     * in the user's token count. A token that ends at 0 and 0 is deleted. Tokens a learn touched get {@code now} as
     * their last use; tokens only taken back keep theirs.
     */
    private long apply(Txn<byte[]> txn, byte[] tokenPrefix, TokenDeltas deltas, long now) {
        long delta = 0;
        deltas.build();
        TokenDeltas.Changes c = new TokenDeltas.Changes();
        // One cursor walking the touched buckets in key order; each bucket is read, merged and written once.
        try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
            for (int bucket = 0; bucket < BayesStoreCodec.BUCKETS; bucket++) {
                if (!deltas.touches(bucket)) {
                    continue;
                }
                int changes = deltas.changes(bucket, c);
                byte[] key = BayesStoreCodec.bucketKey(tokenPrefix, bucket);
                boolean found = cursor.get(key, GetOp.MDB_SET_KEY);
                byte[] old = found ? cursor.val() : null;
                int oldEntries = BayesStoreCodec.entries(old);
                byte[] merged = new byte[(oldEntries + changes) * BayesStoreCodec.ENTRY_BYTES];
                int n = 0;
                int a = 0;
                int b = 0;
                while (a < oldEntries || b < changes) {
                    long ha = a < oldEntries ? BayesStoreCodec.entryHash(old, a) : 0;
                    if (b == changes || (a < oldEntries && ha < c.token[b])) {
                        System.arraycopy(old, a * BayesStoreCodec.ENTRY_BYTES, merged, n * BayesStoreCodec.ENTRY_BYTES,
                                BayesStoreCodec.ENTRY_BYTES);
                        n++;
                        a++;
                        continue;
                    }
                    boolean existed = a < oldEntries && ha == c.token[b];
                    int spam = saturated((existed ? BayesStoreCodec.entrySpam(old, a) : 0) + (long) c.spam[b]);
                    int ham = saturated((existed ? BayesStoreCodec.entryHam(old, a) : 0) + (long) c.ham[b]);
                    long lastUsed = c.touched[b] ? now : existed ? BayesStoreCodec.entryLastUsed(old, a) : 0;
                    if (spam != 0 || ham != 0) {
                        BayesStoreCodec.putEntry(merged, n++, c.token[b], spam, ham, lastUsed);
                        delta += existed ? 0 : 1;
                    } else if (existed) {
                        delta--;                        // counts reached zero: the token goes
                    }
                    if (existed) {
                        a++;
                    }
                    b++;
                }
                if (n == 0) {
                    if (found) {
                        cursor.delete();
                    }
                } else {
                    byte[] value = n * BayesStoreCodec.ENTRY_BYTES == merged.length ? merged
                            : Arrays.copyOf(merged, n * BayesStoreCodec.ENTRY_BYTES);
                    if (found) {
                        cursor.put(key, value, PutFlags.MDB_CURRENT);
                    } else {
                        cursor.put(key, value);
                    }
                }
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
        if (seen.length < 1 || (seen[0] != SPAM && seen[0] != HAM)) {
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
        for (boolean adopted = false; ; adopted = true) {
            lifecycle.readLock().lock();
            try {
                if (closed) {
                    throw new IllegalStateException("bayes store is closed");
                }
                return call.run();
            } catch (Dbi.MapResizedException e) {
                // Another process (a `postern learn` with a larger bayes.max_store_bytes) grew the file beyond this
                // process's map: adopt its size once, below, and try again.
                if (adopted || lifecycle.getReadHoldCount() > 1) {
                    throw new BayesStoreException("bayes store " + what + " failed: " + e.getMessage(), e);
                }
            } catch (Env.MapFullException e) {
                throw new BayesStoreException("bayes store " + what + " failed: the store is full at its maximum"
                        + " size of " + env.info().mapSize + " bytes; raise bayes.max_store_bytes", e);
            } catch (LmdbException e) {
                throw new BayesStoreException("bayes store " + what + " failed: " + e.getMessage(), e);
            } finally {
                lifecycle.readLock().unlock();
            }
            adoptMapSize();
        }
    }

    /**
     * Takes the map size another process gave the environment: lmdb.h's mdb_env_set_mapsize with a size of zero,
     * which must be called with no transaction of this process open — which the lifecycle's write lock ensures.
     */
    private void adoptMapSize() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                env.setMapSize(0);
            }
        } catch (LmdbException e) {
            throw new BayesStoreException("bayes store could not adopt the size another process set: "
                    + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private byte[] seenKey(byte[] user, String learnKey) {
        requireNonNull(learnKey, "learnKey");
        if (learnKey.isEmpty()) {
            throw new IllegalArgumentException("learnKey must not be empty");
        }
        return BayesStoreCodec.key(BayesStoreCodec.prefix(SEEN, user), learnKey, maxKeyBytes);
    }

    /** A seen-index entry that pruneSeen may delete. */
    private static final class Candidate {
        static final Comparator<Candidate> OLDEST_FIRST = Comparator.<Candidate>comparingLong(c -> c.learnedAtMillis)
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.key, b.key));

        final byte[] key;
        final long learnedAtMillis;

        Candidate(byte[] key, long learnedAtMillis) {
            this.key = key;
            this.learnedAtMillis = learnedAtMillis;
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
            // Keyed by the store's user key (lower case), so "Alice" and "alice" share one table.
            BucketCache.UserBuckets cached = bucketCache.forUser(txn.getId(),
                    new String(user, StandardCharsets.UTF_8));
            // Tokens ascend, so their buckets do: read each bucket once.
            int lastBucket = -1;
            byte[] bucket = null;
            for (int i = 0; i < tokens.size(); i++) {
                long token = tokens.get(i);
                int b = BayesStoreCodec.bucketOf(token);
                if (b != lastBucket) {
                    bucket = cached == null ? null : cached.get(b);
                    if (bucket == null) {
                        bucket = dbi.get(txn, BayesStoreCodec.bucketKey(prefix, b));
                        if (cached != null) {
                            cached.put(b, bucket);
                        }
                    }
                    lastBucket = b;
                }
                int at = BayesStoreCodec.find(bucket, token);
                spam[i] = at < 0 ? 0 : BayesStoreCodec.entrySpam(bucket, at);
                ham[i] = at < 0 ? 0 : BayesStoreCodec.entryHam(bucket, at);
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
