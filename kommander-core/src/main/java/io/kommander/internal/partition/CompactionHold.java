package io.kommander.internal.partition;

/**
 * Whether a replica must keep its whole log for now: no snapshot and no compaction. A split's or merge's seed is
 * produced when its move entry is applied and is held only in memory; a replica that restarts from a snapshot or a
 * compaction point past that entry, or a follower rebuilt from such a snapshot, never applies it, and the move could
 * not finish if every replica forgot it. Keeping the log while the move is under way lets a restart replay the entry.
 */
@FunctionalInterface
public interface CompactionHold {

    /** Holds nothing: partitions compact as their own rules allow. */
    CompactionHold NONE = (partition, moves) -> false;

    /**
     * Whether replica {@code partition} must not snapshot or compact now.
     *
     * @param moves the move entries and seeds its log holds or held in this process
     */
    boolean holds(int partition, PartitionMoves moves);
}
