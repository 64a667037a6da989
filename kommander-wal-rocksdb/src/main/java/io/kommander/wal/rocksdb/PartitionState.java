package io.kommander.wal.rocksdb;

import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;

/**
 * What the WAL keeps in memory about one partition, so that validation, {@code lastPosition} and the other
 * small queries never touch RocksDB. Immutable: a write replaces the whole value after it is durable, so a reader
 * sees either the state before or after a batch, never a mix. About a hundred bytes per partition.
 *
 * @param last       position of the last entry, or the compaction point if none is left
 * @param compacted  the compaction point
 * @param hardState  the stored hard state
 * @param checkpoint the index of the last committed checkpoint, or 0
 */
record PartitionState(LogPosition last, LogPosition compacted, HardState hardState, long checkpoint) {

    /** The state of a partition that has never been written. */
    static final PartitionState EMPTY = new PartitionState(LogPosition.ZERO, LogPosition.ZERO, HardState.EMPTY, 0);

    PartitionState withLast(LogPosition newLast) {
        return new PartitionState(newLast, compacted, hardState, checkpoint);
    }

    PartitionState withCompacted(LogPosition newCompacted) {
        LogPosition newLast = last.index() <= newCompacted.index() ? newCompacted : last;
        return new PartitionState(newLast, newCompacted, hardState, checkpoint);
    }

    PartitionState withHardState(HardState newHardState) {
        return new PartitionState(last, compacted, newHardState, checkpoint);
    }

    PartitionState withCheckpoint(long newCheckpoint) {
        return new PartitionState(last, compacted, hardState, newCheckpoint);
    }
}
