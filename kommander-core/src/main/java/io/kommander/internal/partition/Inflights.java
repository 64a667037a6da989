package io.kommander.internal.partition;

/**
 * A bounded window of AppendLogs in flight to one follower, each remembered by the last index it carries. The
 * leader stops sending when the window is full and frees slots as acknowledgements arrive, so a slow follower
 * cannot make it queue unbounded work.
 *
 * <p>The ring starts empty and grows to the window only as appends pipeline: a node leads thousands of mostly idle
 * partitions, each with a window per follower, and an idle one never has more than one append in flight.
 */
final class Inflights {

    private static final long[] NONE = new long[0];
    private static final int FIRST_SLOTS = 4;

    private final int capacity;
    private long[] lastIndices = NONE;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.capacity = capacity;
    }

    boolean full() {
        return count == capacity;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window full");
        }
        if (count == lastIndices.length) {
            grow();
        }
        lastIndices[(start + count) % lastIndices.length] = lastIndex;
        count++;
    }

    /** Frees every in-flight message whose last index is at or below {@code index}. */
    void freeThrough(long index) {
        while (count > 0 && lastIndices[start] <= index) {
            start = (start + 1) % lastIndices.length;
            count--;
        }
    }

    void clear() {
        start = 0;
        count = 0;
    }

    /** Gives the ring back if nothing is in flight: none may be for a long time (the partition sleeps). */
    void release() {
        if (count == 0) {
            start = 0;
            lastIndices = NONE;
        }
    }

    private void grow() {
        long[] grown = new long[Math.min(capacity, Math.max(FIRST_SLOTS, lastIndices.length * 2))];
        for (int i = 0; i < count; i++) {
            grown[i] = lastIndices[(start + i) % lastIndices.length];
        }
        lastIndices = grown;
        start = 0;
    }
}
