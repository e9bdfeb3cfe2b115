package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A {@link GreylistStore} in an LMDB environment on local disk, through lmdbjava: survives restarts and crashes,
 * and may be opened by several processes at once.
 *
 * <p><b>Layout.</b> One environment directory given by the caller (for example {@code <state_dir>/greylist}) holding
 * LMDB's {@code data.mdb} and {@code lock.mdb}, created with mode 0600; one named database, {@value #DBI_NAME}, whose
 * keys and values are the small binary forms of {@link StoreCodec}, timestamps in epoch milliseconds.
 *
 * <p><b>Durability.</b> Every call is one LMDB transaction. The environment is opened without {@code MDB_NOSYNC},
 * {@code MDB_NOMETASYNC}, {@code MDB_MAPASYNC} or {@code MDB_WRITEMAP}, so a commit is on disk when {@link #update}
 * returns, and a {@code kill -9} or a power loss afterwards loses nothing (LMDB's copy-on-write B+tree never needs a
 * recovery pass). The cost is one {@code fdatasync} per write; {@link Greylister} writes rarely on the hot path.
 *
 * <p><b>Threads and processes.</b> Thread-safe. LMDB serializes write transactions itself, across threads and
 * processes, with a mutex in {@code lock.mdb}; readers never block. The environment is opened with {@code
 * MDB_NOTLS}, so a read transaction's reader slot belongs to the transaction rather than to the thread: callers
 * on any executor are fine, and each call begins and ends its transaction on the calling thread. At most
 * {@value #MAX_READERS} reads may be in flight at once across all processes. Other processes (a CLI, a second
 * daemon) may open the same directory; one process must not open it twice at the same time (LMDB's rule: closing
 * the second handle would drop the first one's locks). Stale reader slots of crashed processes are cleared at open.
 *
 * <p><b>Size.</b> The map size bounds the data file; it is reserved address space, not memory. An entry takes
 * roughly its key (under 100 bytes for most triplets) plus 9 to 17 bytes of value plus B+tree overhead, so the
 * default {@value #DEFAULT_MAP_SIZE_BYTES} bytes hold about a million triplets. When the map is full, writes fail
 * with {@link GreylistStoreException} (greylisting then passes mail) until a purge frees room or the store is
 * reopened with a larger map size.
 *
 * <p><b>JVM.</b> Keys and values travel as {@code byte[]} ({@link ByteArrayProxy}), so no {@code --add-opens} flag
 * is needed. The native library comes inside the lmdbjava jar (linux, macOS and Windows on x86_64, linux and macOS
 * on aarch64) and is extracted at first use to {@code java.io.tmpdir}, or to {@code -Dlmdbjava.extract.dir=...};
 * {@code -Dlmdbjava.native.lib=/path/liblmdb.so} uses the system's library instead.
 */
public final class LmdbGreylistStore implements GreylistStore {

    /** The default map size: 256 MiB. */
    public static final long DEFAULT_MAP_SIZE_BYTES = 256L << 20;

    /** The smallest map size accepted: 1 MiB. */
    public static final long MIN_MAP_SIZE_BYTES = 1L << 20;

    /** The name of the LMDB database inside the environment. */
    static final String DBI_NAME = "greylist";

    /** Reader slots in {@code lock.mdb}, shared by all processes (LMDB's default is 126). */
    static final int MAX_READERS = 256;

    /** rw------- for data.mdb and lock.mdb: the store holds correspondents' addresses. */
    private static final int FILE_MODE = 0600;

    private final Env<byte[]> env;
    private final Dbi<byte[]> dbi;
    private final int maxKeyBytes;
    /** Read side held by every call, write side by {@link #close()}: a closed environment is never touched. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock purgeLock = new ReentrantLock();
    /** Guarded by {@link #lifecycle}'s write lock. */
    private boolean closed;
    /** The last key a purge looked at; null to start at the beginning. Guarded by {@link #purgeLock}. */
    private byte[] purgeResume;

    private LmdbGreylistStore(Env<byte[]> env, Dbi<byte[]> dbi) {
        this.env = env;
        this.dbi = dbi;
        this.maxKeyBytes = env.getMaxKeySize();
    }

    /** As {@link #open(Path, long)} with {@link #DEFAULT_MAP_SIZE_BYTES}. */
    public static LmdbGreylistStore open(Path directory) {
        return open(directory, DEFAULT_MAP_SIZE_BYTES);
    }

    /**
     * Opens the store in {@code directory}, creating the directory and the environment if they do not exist. The
     * caller owns the store and closes it (or hands it to {@link Greylister}, which does).
     *
     * @param mapSizeBytes the most the data file may grow to, at least {@link #MIN_MAP_SIZE_BYTES}. Rounded up by
     *                     LMDB to a page multiple; an existing larger data file keeps its size
     * @throws IllegalArgumentException if the map size is too small
     * @throws GreylistStoreException   if the directory cannot be created or LMDB cannot open it (permissions, a
     *                                  file that is not an LMDB environment)
     */
    public static LmdbGreylistStore open(Path directory, long mapSizeBytes) {
        requireNonNull(directory, "directory");
        if (mapSizeBytes < MIN_MAP_SIZE_BYTES) {
            throw new IllegalArgumentException(
                    "greylist map size must be at least " + MIN_MAP_SIZE_BYTES + " bytes, not " + mapSizeBytes);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new GreylistStoreException("cannot create greylist state directory " + directory, e);
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
            return new LmdbGreylistStore(env, dbi);
        } catch (LmdbException e) {
            if (env != null) {
                env.close();
            }
            throw new GreylistStoreException("cannot open greylist store in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<GreylistEntry> get(GreylistKey key) {
        byte[] k = StoreCodec.encodeKey(requireNonNull(key, "key"), maxKeyBytes);
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Txn<byte[]> txn = env.txnRead()) {
                byte[] value = dbi.get(txn, k);
                return value == null ? Optional.empty() : StoreCodec.decodeEntry(value);
            }
        } catch (LmdbException e) {
            throw new GreylistStoreException("greylist store read failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void update(Map<GreylistKey, GreylistEntry> puts, Set<GreylistKey> deletes) {
        requireNonNull(puts, "puts");
        requireNonNull(deletes, "deletes");
        List<byte[]> putKeys = new ArrayList<>(puts.size());
        List<byte[]> putValues = new ArrayList<>(puts.size());
        puts.forEach((key, entry) -> {
            if (deletes.contains(key)) {
                throw new IllegalArgumentException("key both put and deleted: " + key);
            }
            putKeys.add(StoreCodec.encodeKey(requireNonNull(key, "key"), maxKeyBytes));
            putValues.add(StoreCodec.encodeEntry(requireNonNull(entry, "entry")));
        });
        List<byte[]> deleteKeys = new ArrayList<>(deletes.size());
        deletes.forEach(key -> deleteKeys.add(StoreCodec.encodeKey(key, maxKeyBytes)));
        lifecycle.readLock().lock();
        try {
            checkOpen();
            if (putKeys.isEmpty() && deleteKeys.isEmpty()) {
                return;
            }
            try (Txn<byte[]> txn = env.txnWrite()) {
                for (int i = 0; i < putKeys.size(); i++) {
                    dbi.put(txn, putKeys.get(i), putValues.get(i));
                }
                for (byte[] k : deleteKeys) {
                    dbi.delete(txn, k);
                }
                txn.commit();
            }
        } catch (LmdbException e) {
            throw new GreylistStoreException("greylist store write failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One write transaction that walks a cursor from the key after the previous call's last one. The resume
     * point lives in this object, so each process sweeps on its own; an entry whose value cannot be decoded is
     * judged by its expiry alone ({@link StoreCodec}), and one too short to have an expiry is deleted.
     */
    @Override
    public int purgeExpired(Instant now, int maxEntries) {
        requireNonNull(now, "now");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, not " + maxEntries);
        }
        lifecycle.readLock().lock();
        purgeLock.lock();
        try {
            checkOpen();
            try (Txn<byte[]> txn = env.txnWrite()) {
                List<byte[]> expired = new ArrayList<>();
                byte[] last = null;
                try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
                    boolean found = purgeResume == null ? cursor.first() : cursor.get(purgeResume, GetOp.MDB_SET_RANGE);
                    if (found && purgeResume != null && Arrays.equals(cursor.key(), purgeResume)) {
                        found = cursor.next();
                    }
                    if (!found && purgeResume != null) {
                        found = cursor.first();
                    }
                    for (int examined = 0; found && examined < maxEntries; examined++) {
                        byte[] key = cursor.key().clone();
                        Optional<Instant> expiresAt = StoreCodec.expiresAt(cursor.val());
                        if (expiresAt.isEmpty() || !now.isBefore(expiresAt.get())) {
                            expired.add(key);
                        }
                        last = key;
                        found = cursor.next();
                    }
                    if (!found) {
                        last = null;
                    }
                }
                for (byte[] key : expired) {
                    dbi.delete(txn, key);
                }
                if (!expired.isEmpty()) {
                    txn.commit();
                }
                purgeResume = last;
                return expired.size();
            }
        } catch (LmdbException e) {
            throw new GreylistStoreException("greylist store purge failed: " + e.getMessage(), e);
        } finally {
            purgeLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /** How many entries the store holds, expired ones included. */
    public long size() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Txn<byte[]> txn = env.txnRead()) {
                return dbi.stat(txn).entries;
            }
        } catch (LmdbException e) {
            throw new GreylistStoreException("greylist store stat failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
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

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("greylist store is closed");
        }
    }
}
