package io.kommander.internal.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The values of a partition's requests by request id: an open-addressing table of primitive ids (linear probing,
 * deletion by shifting back), so registering and answering a write boxes no id and allocates no map node, which a
 * {@code HashMap<Long, V>} did for every write.
 *
 * <p>Ids are positive and never reused. Not thread-safe: owned by the partition's executor.
 *
 * @param <V> what is kept per request
 */
final class RequestTable<V> {

    private static final int INITIAL_CAPACITY = 16;

    private static final long[] NO_IDS = new long[0];
    private static final Object[] NO_VALUES = new Object[0];

    /** 0 marks a free slot (ids are positive). */
    private long[] ids = NO_IDS;
    private Object[] values = NO_VALUES;
    private int size;

    /** Keeps {@code value} for request {@code id}, which is not in the table. */
    void put(long id, V value) {
        if ((size + 1) * 4 > ids.length * 3) {
            resize(Math.max(INITIAL_CAPACITY, ids.length * 2));
        }
        int slot = slotOf(id, ids.length);
        while (ids[slot] != 0) {
            slot = (slot + 1) & (ids.length - 1);
        }
        ids[slot] = id;
        values[slot] = value;
        size++;
    }

    /** Removes and returns request {@code id}'s value, or null if it is not in the table. */
    @SuppressWarnings("unchecked")
    V remove(long id) {
        if (size == 0) {
            return null;
        }
        int mask = ids.length - 1;
        int slot = slotOf(id, ids.length);
        while (ids[slot] != id) {
            if (ids[slot] == 0) {
                return null;
            }
            slot = (slot + 1) & mask;
        }
        V value = (V) values[slot];
        size--;
        // Shift back every later entry of the run that the free slot would cut off from its home slot.
        int free = slot;
        int next = (slot + 1) & mask;
        while (ids[next] != 0) {
            int home = slotOf(ids[next], ids.length);
            if (((next - home) & mask) >= ((next - free) & mask)) {
                ids[free] = ids[next];
                values[free] = values[next];
                free = next;
            }
            next = (next + 1) & mask;
        }
        ids[free] = 0;
        values[free] = null;
        return value;
    }

    /** Removes and returns every value, in the order of their ids. */
    @SuppressWarnings("unchecked")
    List<V> takeAll() {
        long[] held = new long[size];
        int n = 0;
        for (long id : ids) {
            if (id != 0) {
                held[n++] = id;
            }
        }
        Arrays.sort(held);
        List<V> all = new ArrayList<>(n);
        for (long id : held) {
            all.add(remove(id));
        }
        return all;
    }

    int size() {
        return size;
    }

    private void resize(int capacity) {
        long[] oldIds = ids;
        Object[] oldValues = values;
        ids = new long[capacity];
        values = new Object[capacity];
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != 0) {
                int slot = slotOf(oldIds[i], capacity);
                while (ids[slot] != 0) {
                    slot = (slot + 1) & (capacity - 1);
                }
                ids[slot] = oldIds[i];
                values[slot] = oldValues[i];
            }
        }
    }

    /** Fibonacci hashing: consecutive ids land far apart, so runs of probes stay short. */
    private static int slotOf(long id, int capacity) {
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 32) & (capacity - 1);
    }
}
