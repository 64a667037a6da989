package io.kommander.internal.partition;

import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.TreeMap;

/**
 * The split and seed entries of one replica's log, appended or not, committed or not. Like a configuration, a split
 * entry takes effect the moment it is appended (its fence holds for every write proposed after it in this log) and
 * truncating it undoes it; compaction keeps what it knew (a compacted entry was committed). A restart learns only the
 * entries the WAL still holds after its compaction point.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class PartitionMoves {

    /** Split (a {@link SplitEntry}) and seed (a {@link SeedEntry}) entries by index. */
    private final TreeMap<Long, Object> byIndex = new TreeMap<>();

    /** Follows an appended entry. */
    void appended(LogEntry entry) {
        if (entry.kind() != EntryKind.SYSTEM) {
            return;
        }
        try {
            if (SplitEntry.TYPE.equals(entry.logType())) {
                byIndex.put(entry.index(), SplitEntry.decode(entry.data()));
            } else if (SeedEntry.TYPE.equals(entry.logType())) {
                byIndex.put(entry.index(), Boolean.TRUE);
            }
        } catch (IllegalArgumentException e) {
            // A format this version does not know: it fences nothing here.
        }
    }

    /** The log was truncated after {@code index}. */
    void truncatedAfter(long index) {
        byIndex.tailMap(index, false).clear();
    }

    /** The highest generation a split entry of this log fences below, or 0 if it holds none. */
    public long fenceGeneration() {
        long fence = 0;
        for (Object entry : byIndex.values()) {
            if (entry instanceof SplitEntry split) {
                fence = Math.max(fence, split.fenceGeneration());
            }
        }
        return fence;
    }

    /** Whether this log holds a split entry toward {@code target}. */
    public boolean holdsSplitTo(int target) {
        return byIndex.values().stream().anyMatch(e -> e instanceof SplitEntry split && split.target() == target);
    }

    /** Whether this log holds a seed entry. */
    public boolean holdsSeed() {
        return byIndex.containsValue(Boolean.TRUE);
    }
}
