package io.kommander.wal;

import java.util.List;

/**
 * What one partition asks the WAL to make durable in one step, applied in this order: drop every entry after
 * {@code truncateAfter}, append {@code entries}, then store the hard state and checkpoint.
 *
 * @param partition      the partition id
 * @param truncateAfter  drop entries with index greater than this, or {@link #NO_TRUNCATE}
 * @param entries        entries to append, contiguous and ascending; the first follows the log's last index
 *                       (after truncation)
 * @param hardState      the hard state to store, or null to keep the stored one
 * @param lastCheckpoint the index of the newest committed checkpoint to record, or {@link #NO_CHECKPOINT}
 */
public record PartitionWrite(int partition, long truncateAfter, List<LogEntry> entries, HardState hardState,
                             long lastCheckpoint) {

    /** Marker for "no truncation". */
    public static final long NO_TRUNCATE = -1;
    /** Marker for "checkpoint unchanged". */
    public static final long NO_CHECKPOINT = -1;

    /** Canonical constructor; copies the entry list. */
    public PartitionWrite {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /** A write that appends entries only. */
    public static PartitionWrite append(int partition, List<LogEntry> entries) {
        return new PartitionWrite(partition, NO_TRUNCATE, entries, null, NO_CHECKPOINT);
    }

    /** A write that stores hard state only. */
    public static PartitionWrite hardState(int partition, HardState hardState) {
        return new PartitionWrite(partition, NO_TRUNCATE, List.of(), hardState, NO_CHECKPOINT);
    }

    /** Whether this write changes nothing. */
    public boolean isEmpty() {
        return truncateAfter == NO_TRUNCATE && entries.isEmpty() && hardState == null && lastCheckpoint == NO_CHECKPOINT;
    }
}
