package io.kommander.internal.partition;

import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates what the inputs of one drain ask to persist into one {@link PartitionWrite}: a truncation point, the
 * entries appended after it, the latest hard state and checkpoint, and the messages that must wait for them.
 *
 * <p>A new commit index alone asks for no write: it rides with the next write of anything else, or, if none comes,
 * is written at the second tick that finds it still unwritten ({@link #tick}). Raft needs term and vote durable
 * before a message leaves, never the commit index, and a restore already copes with a stored commit index that lags
 * what was delivered ({@code Applier#restoredThrough}). On a leader with one write in flight, the commit's own write
 * cost up to a second partition write per write and a drain for its completion (0.43 of 7.6 drains per write
 * measured at 64 partitions).
 */
final class PendingWrites {

    private final int partition;
    private long truncateAfter = PartitionWrite.NO_TRUNCATE;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private boolean hardStateDirty;
    /** The commit index moved since the hard state was last taken. */
    private boolean commitDirty;
    /** {@link #commitDirty} was already set at the previous tick. */
    private boolean commitLagged;
    private long checkpoint = PartitionWrite.NO_CHECKPOINT;
    private final ArrayList<Ready.Outbound> after = new ArrayList<>();

    PendingWrites(int partition) {
        this.partition = partition;
    }

    void truncateAfter(long index) {
        if (!entries.isEmpty() && index >= entries.get(0).index() - 1) {
            // Only part of what this drain appended goes away.
            entries.removeIf(e -> e.index() > index);
            return;
        }
        entries.clear();
        truncateAfter = truncateAfter == PartitionWrite.NO_TRUNCATE ? index : Math.min(truncateAfter, index);
    }

    void append(List<LogEntry> appended) {
        entries.addAll(appended);
    }

    void hardStateChanged() {
        hardStateDirty = true;
    }

    /** The commit index moved: written with the next step taken for anything else, see the class comment. */
    void commitChanged() {
        commitDirty = true;
    }

    /**
     * A tick: a commit index left unwritten since the previous tick asks for a write of its own now, so the stored one
     * lags by at most two ticks on a replica that is ticked (a leader; a follower's commit rides with its
     * acknowledgement's step).
     */
    void tick() {
        if (commitDirty && commitLagged) {
            hardStateDirty = true;
        }
        commitLagged = commitDirty;
    }

    void checkpoint(long index) {
        checkpoint = index;
    }

    void sendAfter(Ready.Outbound message) {
        after.add(message);
    }

    boolean isEmpty() {
        return truncateAfter == PartitionWrite.NO_TRUNCATE && entries.isEmpty() && !hardStateDirty
                && checkpoint == PartitionWrite.NO_CHECKPOINT && after.isEmpty();
    }

    /** Returns the accumulated step and starts afresh. */
    Ready.PersistStep take(long seq, HardState hardState, long lastIndexAfter) {
        PartitionWrite write = new PartitionWrite(partition, truncateAfter, entries,
                hardStateDirty || commitDirty ? hardState : null, checkpoint);
        Ready.PersistStep step = new Ready.PersistStep(seq, write, List.copyOf(after), lastIndexAfter);
        truncateAfter = PartitionWrite.NO_TRUNCATE;
        entries.clear();
        hardStateDirty = false;
        commitDirty = false;
        commitLagged = false;
        checkpoint = PartitionWrite.NO_CHECKPOINT;
        after.clear();
        return step;
    }

    /** The replica fell asleep with nothing pending: the buffers give their storage back until it wakes. */
    void releaseBuffers() {
        entries.trimToSize();
        after.trimToSize();
    }
}
