package io.kommander.internal.partition;

import java.util.ArrayDeque;

/**
 * How far this replica's log is durable, as far as the state machine knows: every entry up to {@link #index()} is
 * on disk as it is in the log now. Persist steps are numbered; an append raises the bound only once the step
 * carrying it is durable. A truncation lowers the bound at once and holds it at or below the truncation point
 * until the step carrying the truncation is durable, so that neither a commit nor an older step's completion can
 * count or deliver the entries that replace the truncated ones.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class DurableBound {

    /** A truncation after {@code after} carried by persist step {@code seq}. */
    private record Truncation(long seq, long after) {
    }

    /** Truncations whose steps are not durable yet, oldest first; null while there are none (nearly always). */
    private ArrayDeque<Truncation> pending;
    private long index;

    /** The highest index durable in its current form. */
    long index() {
        return index;
    }

    /** Starts from a log read back from the WAL: all of it is durable. */
    void reset(long lastIndex) {
        index = lastIndex;
        pending = null;
    }

    /** The log was truncated after {@code after}; persist step {@code seq} carries the truncation. */
    void truncated(long seq, long after) {
        index = Math.min(index, after);
        if (pending == null) {
            pending = new ArrayDeque<>(1);
        }
        pending.add(new Truncation(seq, after));
    }

    /**
     * Persist step {@code seq} and every earlier one are durable.
     *
     * @param lastIndexAfter the log's last index once that step applied
     * @param logLastIndex   the log's last index now (later truncations may have lowered it)
     */
    void persisted(long seq, long lastIndexAfter, long logLastIndex) {
        long bound = lastIndexAfter;
        if (pending != null) {
            while (!pending.isEmpty() && pending.peek().seq() <= seq) {
                pending.poll();
            }
            for (Truncation truncation : pending) {
                bound = Math.min(bound, truncation.after());
            }
            if (pending.isEmpty()) {
                pending = null;
            }
        }
        index = Math.min(bound, logLastIndex);
    }
}
