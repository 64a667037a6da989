package io.kommander.internal.partition;

/**
 * A bounded window of AppendLogs in flight to one follower, each remembered by the last index it carries. The
 * leader stops sending when the window is full and frees slots as acknowledgements arrive, so a slow follower
 * cannot make it queue unbounded work.
 */
final class Inflights {

    private final long[] lastIndices;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.lastIndices = new long[capacity];
    }

    boolean full() {
        return count == lastIndices.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window full");
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
}
