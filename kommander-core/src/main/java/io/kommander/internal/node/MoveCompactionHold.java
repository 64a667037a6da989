package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.CompactionHold;
import io.kommander.internal.partition.PartitionMoves;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Keeps a replica's whole log while a split or merge it takes part in is under way, as this node's applied map shows
 * it, so that a restart replays the move entry (the seed is produced again) and the seed entry, and keeps the
 * in-log fence. A replica whose log holds a move entry its map does not show yet (partition 0 lags here) keeps its
 * log too, and so does a taking replica that has applied part of a seed's chunks and not absorbed it yet (a snapshot
 * between two chunks would lose the sequence's first part). Once the move finishes, the map's generations fence and
 * compaction goes on.
 *
 * <p>Thread-safe: reads the map, which is immutable, on each partition's executor.
 */
final class MoveCompactionHold implements CompactionHold {

    private final Supplier<PartitionMap> map;
    private final IntPredicate assembling;
    /** A planted bug (a negative control): hold nothing, as before the hold existed. */
    private volatile boolean ignored;

    /**
     * @param map        this node's applied partition map, or null before it applied one
     * @param assembling whether this node's replica of a partition has applied part of a seed it has not absorbed
     */
    MoveCompactionHold(Supplier<PartitionMap> map, IntPredicate assembling) {
        this.map = map;
        this.assembling = assembling;
    }

    @Override
    public boolean holds(int partition, PartitionMoves moves) {
        if (ignored) {
            return false;
        }
        if (assembling.test(partition)) {
            return true;
        }
        PartitionMap applied = map.get();
        boolean logged = moves != null && !moves.isEmpty();
        if (applied == null) {
            return logged;
        }
        PartitionDescriptor self = applied.partition(partition).orElse(null);
        if (self != null && (self.state() == PartitionState.SPLITTING || self.state() == PartitionState.MERGING
                || applied.mergeSurvivor(partition).isPresent())) {
            return true; // a split's source or new half, a merge's survivor or adjacent partition
        }
        if (!logged) {
            return false;
        }
        // The log holds a move this map does not show yet: a split's new half it does not name, or a merge entry
        // while the partition is still active (a finished merge removes it).
        return moves.splitTargets().stream().anyMatch(target -> applied.partition(target).isEmpty())
                || moves.mergedInto() != null && (self == null || self.state() == PartitionState.ACTIVE);
    }

    /** Plants the bug of compacting through unfinished moves (a negative control). */
    void plantIgnored() {
        ignored = true;
    }
}
