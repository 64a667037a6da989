package io.kommander.internal.partition;

import io.kommander.RaftReplicationResult;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Why a replica refuses a write at the moment it would be proposed, after a split or a merge (see
 * {@link RaftPartition#moveRefusal}). {@link #ENFORCED} is the rule; a test that plants a bug swaps in
 * {@link #planted} through the partition's seam, so the rule itself carries no planted-bug branch.
 *
 * <p>Stateless apart from the planted-bug set it reads; used on the partition's executor.
 */
class MoveRefusal {

    /** The rule every replica follows unless a test planted a bug in it: one instance for all. */
    static final MoveRefusal ENFORCED = new MoveRefusal();

    private MoveRefusal() {
    }

    /** The rule weakened by whichever of {@code bugs} (read live, so bugs planted later count) concern moves. */
    static MoveRefusal planted(Set<PlantedBug> bugs) {
        return new Planted(bugs);
    }

    /**
     * The refusal, or null to take the write: the applied map's ({@code byMap}) first, then the replica's own log's
     * {@code moves} (null before the restore): a merge entry refuses every write toward the survivor, a split entry
     * the writes addressed with a generation before the split's ({@code expectedGeneration} 0: no check).
     *
     * @param mapMerging whether the applied map shows this partition merging into another (only a planted bug reads it)
     */
    RaftReplicationResult refusal(PartitionMoves moves, long expectedGeneration, RaftReplicationResult byMap,
                                  BooleanSupplier mapMerging) {
        if (byMap != null) {
            return byMap;
        }
        MoveEntry merge = moves == null ? null : moves.mergedInto();
        if (merge != null) {
            return RaftReplicationResult.moved(
                    new RaftReplicationResult.PartitionOwner(merge.target(), merge.fenceGeneration()));
        }
        return splitFenced(moves, expectedGeneration) ? RaftReplicationResult.moved(null) : null;
    }

    /** Whether a split entry of {@code moves} fences off a write addressed with {@code expectedGeneration}. */
    boolean splitFenced(PartitionMoves moves, long expectedGeneration) {
        return moves != null && expectedGeneration != 0 && expectedGeneration < moves.fenceGeneration();
    }

    /**
     * {@link PlantedBug#MERGE_ADJACENT_TAKES_WRITES}: a merge's adjacent partition takes writes past both of its
     * fences; {@link PlantedBug#SPLIT_SOURCE_TAKES_OLD_WRITES}: a split's source takes writes of older generations.
     */
    private static final class Planted extends MoveRefusal {
        private final Set<PlantedBug> bugs;

        Planted(Set<PlantedBug> bugs) {
            this.bugs = bugs;
        }

        @Override
        RaftReplicationResult refusal(PartitionMoves moves, long expectedGeneration, RaftReplicationResult byMap,
                                      BooleanSupplier mapMerging) {
            if (bugs.contains(PlantedBug.MERGE_ADJACENT_TAKES_WRITES)
                    && (moves != null && moves.mergedInto() != null || mapMerging.getAsBoolean())) {
                return null;
            }
            return super.refusal(moves, expectedGeneration, byMap, mapMerging);
        }

        @Override
        boolean splitFenced(PartitionMoves moves, long expectedGeneration) {
            return !bugs.contains(PlantedBug.SPLIT_SOURCE_TAKES_OLD_WRITES)
                    && super.splitFenced(moves, expectedGeneration);
        }
    }
}
