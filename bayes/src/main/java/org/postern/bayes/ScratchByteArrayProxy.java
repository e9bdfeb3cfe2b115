package org.postern.bayes;

import java.util.Comparator;

import jnr.ffi.Pointer;
import jnr.ffi.provider.MemoryManager;
import org.lmdbjava.BufferProxy;
import org.lmdbjava.ByteArrayProxy;

/**
 * lmdbjava's {@link ByteArrayProxy} without its use-after-free: keys and values travel as {@code byte[]}, copied into
 * native memory that stays alive until the native call that reads it has returned.
 *
 * <p>Why: lmdbjava 0.9.1's {@code ByteArrayProxy.in} copies the array into memory from
 * {@code MemoryManager.allocateDirect} and keeps no reference to it, so a garbage collection between {@code in} and
 * the {@code mdb_put}/{@code mdb_get} that reads it may free it while LMDB copies from it: a corrupted key or value,
 * or a crash in {@code memcpy} (lmdbjava issue #252, fixed after 0.9.1). We saw the crash in
 * {@code mdb_cursor_put} while learning batches of 5000 messages, which allocate enough to collect often.
 *
 * <p>How: each thread copies into a ring of {@value #SLOTS} native buffers of its own, reused and grown as needed. A
 * native call reads at most the two most recent copies of its thread (a key and a value) and returns before the
 * thread copies again, so a buffer is overwritten only after its call is over. Reuse also saves a {@code malloc}, a
 * {@code free} and a cleaner registration per call. The buffers live as long as their thread.
 */
final class ScratchByteArrayProxy extends BufferProxy<byte[]> {

    /** The proxy; one instance serves every environment and thread. */
    static final BufferProxy<byte[]> PROXY = new ScratchByteArrayProxy();

    /** More than the two copies one call reads, as a margin. */
    static final int SLOTS = 4;

    private static final MemoryManager MEMORY = jnr.ffi.Runtime.getSystemRuntime().getMemoryManager();
    private static final byte[] EMPTY = new byte[0];

    private final ThreadLocal<Ring> rings = ThreadLocal.withInitial(Ring::new);

    private ScratchByteArrayProxy() {
    }

    @Override
    protected byte[] allocate() {
        return EMPTY;
    }

    @Override
    protected void deallocate(byte[] buffer) {
        // Nothing to release: arrays are garbage-collected, scratch memory belongs to the thread's ring.
    }

    @Override
    protected byte[] getBytes(byte[] buffer) {
        return buffer;
    }

    @Override
    protected Comparator<byte[]> getSignedComparator() {
        return ByteArrayProxy::compareArraysSigned;
    }

    @Override
    protected Comparator<byte[]> getUnsignedComparator() {
        return ByteArrayProxy::compareArrays;
    }

    @Override
    protected void in(byte[] buffer, Pointer ptr, long ptrAddr) {
        Pointer scratch = rings.get().next(buffer.length);
        scratch.put(0, buffer, 0, buffer.length);
        ptr.putLong(STRUCT_FIELD_OFFSET_SIZE, buffer.length);
        ptr.putAddress(STRUCT_FIELD_OFFSET_DATA, scratch.address());
    }

    @Override
    protected void in(byte[] buffer, int size, Pointer ptr, long ptrAddr) {
        // MDB_RESERVE is not used with byte arrays (as in ByteArrayProxy).
    }

    @Override
    protected byte[] out(byte[] buffer, Pointer ptr, long ptrAddr) {
        long address = ptr.getAddress(STRUCT_FIELD_OFFSET_DATA);
        int size = (int) ptr.getLong(STRUCT_FIELD_OFFSET_SIZE);
        byte[] bytes = new byte[size];
        MEMORY.newPointer(address, size).get(0, bytes, 0, size);   // LMDB's own memory: nothing to free
        return bytes;
    }

    /** One thread's scratch buffers, used in turn. Confined to its thread. */
    private static final class Ring {
        private final Pointer[] slots = new Pointer[SLOTS];
        private final int[] capacity = new int[SLOTS];
        private int next;

        Pointer next(int size) {
            int i = next;
            next = (next + 1) % SLOTS;
            if (slots[i] == null || capacity[i] < size) {
                // The slot's old buffer was last handed out SLOTS copies ago; its call is over, so it may go.
                int grown = Math.max(64, Math.max(size, capacity[i] * 2));
                slots[i] = MEMORY.allocateDirect(grown);
                capacity[i] = grown;
            }
            return slots[i];
        }
    }
}
