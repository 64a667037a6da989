package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.internal.partition.MoveEntry;
import io.kommander.internal.partition.PartitionMoves;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a replica keeps its whole log: while a move it takes part in is under way, or its map lags its log. */
class MoveCompactionHoldTest {

    private static final PartitionRange LOWER = new PartitionRange(0, 99);
    private static final PartitionRange UPPER = new PartitionRange(100, 199);
    private static final PartitionRange WHOLE = new PartitionRange(0, 199);
    private static final PartitionMoves NONE = PartitionSeams.moves();

    @Test
    void anActivePartitionWithNoMoveCompacts() {
        PartitionMap map = map(partition(1, WHOLE, PartitionState.ACTIVE));
        assertThat(hold(map).holds(1, NONE)).isFalse();
        assertThat(hold(map).holds(1, null)).isFalse();
    }

    @Test
    void bothSidesOfASplitUnderWayKeepTheirLogs() {
        PartitionMap map = map(partition(1, WHOLE, PartitionState.SPLITTING),
                partition(2, UPPER, PartitionState.SPLITTING));
        assertThat(hold(map).holds(1, splitTo(2))).isTrue();
        assertThat(hold(map).holds(1, NONE)).as("the source before its split entry").isTrue();
        assertThat(hold(map).holds(2, NONE)).as("the new half").isTrue();
    }

    @Test
    void bothSidesOfAMergeUnderWayKeepTheirLogs() {
        PartitionMap map = map(partition(1, LOWER, PartitionState.MERGING),
                partition(2, UPPER, PartitionState.DRAINING));
        assertThat(hold(map).holds(1, NONE)).as("the survivor").isTrue();
        assertThat(hold(map).holds(2, NONE)).as("the adjacent partition").isTrue();
    }

    @Test
    void aFinishedSplitCompactsThoughTheLogStillHoldsItsEntry() {
        PartitionMap map = map(partition(1, LOWER, PartitionState.ACTIVE), partition(2, UPPER, PartitionState.ACTIVE));
        assertThat(hold(map).holds(1, splitTo(2))).isFalse();
    }

    @Test
    void aLogAheadOfTheMapKeepsItsMoveEntries() {
        PartitionMap map = map(partition(1, WHOLE, PartitionState.ACTIVE));
        assertThat(hold(map).holds(1, splitTo(2))).as("a split toward a partition the map does not name yet")
                .isTrue();
        assertThat(hold(map).holds(1, mergeInto(3))).as("a merge entry while the map shows it active").isTrue();
        assertThat(new MoveCompactionHold(() -> null, p -> false).holds(1, splitTo(2))).as("no map yet").isTrue();
        assertThat(new MoveCompactionHold(() -> null, p -> false).holds(1, NONE)).isFalse();
    }

    @Test
    void aReplicaThatAppliedPartOfASeedKeepsItsLogEvenOnceTheMapShowsTheMoveFinished() {
        PartitionMap map = map(partition(2, UPPER, PartitionState.ACTIVE));
        assertThat(new MoveCompactionHold(() -> map, p -> p == 2).holds(2, NONE)).isTrue();
        assertThat(new MoveCompactionHold(() -> map, p -> p == 2).holds(3, NONE)).isFalse();
    }

    @Test
    void thePlantedBugHoldsNothing() {
        PartitionMap map = map(partition(1, WHOLE, PartitionState.SPLITTING),
                partition(2, UPPER, PartitionState.SPLITTING));
        MoveCompactionHold hold = hold(map);
        hold.plantIgnored();
        assertThat(hold.holds(1, splitTo(2))).isFalse();
    }

    private static MoveCompactionHold hold(PartitionMap map) {
        return new MoveCompactionHold(() -> map, p -> false);
    }

    private static PartitionMap map(PartitionDescriptor... partitions) {
        return new PartitionMap(1, List.of(partitions));
    }

    private static PartitionDescriptor partition(int id, PartitionRange range, PartitionState state) {
        return new PartitionDescriptor(id, range, 1, state, List.of(), List.of());
    }

    private static PartitionMoves splitTo(int target) {
        return PartitionSeams.moves(entry(MoveEntry.SPLIT_TYPE, new MoveEntry(target, UPPER, 2)));
    }

    private static PartitionMoves mergeInto(int survivor) {
        return PartitionSeams.moves(entry(MoveEntry.MERGE_TYPE, new MoveEntry(survivor, WHOLE, 2)));
    }

    private static LogEntry entry(String type, MoveEntry move) {
        return new LogEntry(7, 1, EntryKind.SYSTEM, HLCTimestamp.ZERO, type, move.encode());
    }
}
