package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule book of map changes: what each command does to a map, and what it refuses. */
class PartitionMapRulesTest {

    private final PartitionMap two = PartitionMapRules.first(PartitionRanges.split(2));

    private static MapCommand split(int source, PartitionRange moved) {
        return new MapCommand(MapCommand.Kind.SPLIT, source, moved);
    }

    @Test
    void createTakesTheNextIdAsAnActivePartitionOfGenerationOne() {
        PartitionMapRules.Decision decision = PartitionMapRules.decide(two, create(3, null));

        assertThat(decision.accepted()).isTrue();
        assertThat(decision.map().version()).isEqualTo(2);
        PartitionDescriptor created = decision.map().partition(3).orElseThrow();
        assertThat(created.state()).isEqualTo(PartitionState.ACTIVE);
        assertThat(created.generation()).isEqualTo(1);
        assertThat(created.routed()).isFalse();
    }

    @Test
    void createOfARangeSomeoneOwnsIsRefused() {
        PartitionMapRules.Decision decision = PartitionMapRules.decide(two, create(3, new PartitionRange(5, 6)));

        assertThat(decision.status()).isEqualTo(RaftOperationStatus.PartitionRangeTaken);
        assertThat(decision.map()).isSameAs(two);
    }

    @Test
    void createWithAnIdOtherThanTheNextIsRefused() {
        assertThat(PartitionMapRules.decide(two, create(5, null)).status())
                .isEqualTo(RaftOperationStatus.PartitionRangeTaken);
    }

    @Test
    void splitBeginsWithBothHalvesSplittingAndTheNewHalfNotRoutedThenFinishDividesTheRange() {
        PartitionRange range = two.partition(1).orElseThrow().range();
        long boundary = range.first() + 1000;
        PartitionRange moved = new PartitionRange(boundary, range.last());

        PartitionMap begun = PartitionMapRules.decide(two, split(1, moved)).map();
        assertThat(begun.partition(1).orElseThrow().state()).isEqualTo(PartitionState.SPLITTING);
        assertThat(begun.partition(1).orElseThrow().generation()).isEqualTo(2);
        assertThat(begun.partition(3).orElseThrow()).isEqualTo(new PartitionDescriptor(3, moved, 1,
                PartitionState.SPLITTING, java.util.List.of(), java.util.List.of()));
        assertThat(begun.splitTarget(1).orElseThrow().id()).isEqualTo(3);
        assertThat(begun.splitSource(3).orElseThrow().id()).isEqualTo(1);
        assertThat(begun.ownerOf(boundary).orElseThrow().id()).as("the source serves until the finish").isEqualTo(1);
        assertThat(PartitionMapRules.decide(begun, split(1, moved)).map()).as("a retry").isSameAs(begun);
        assertThat(PartitionMapRules.decide(begun, split(1, new PartitionRange(boundary + 1, range.last())))
                .status()).isEqualTo(RaftOperationStatus.PartitionBusy);

        PartitionMap finished = PartitionMapRules.decide(begun, command(MapCommand.Kind.FINISH_SPLIT, 1)).map();
        assertThat(finished.partition(1).orElseThrow()).isEqualTo(new PartitionDescriptor(1,
                new PartitionRange(range.first(), boundary - 1), 3, PartitionState.ACTIVE, java.util.List.of(),
                java.util.List.of()));
        assertThat(finished.partition(3).orElseThrow().state()).isEqualTo(PartitionState.ACTIVE);
        assertThat(finished.partition(3).orElseThrow().generation()).isEqualTo(2);
        assertThat(finished.ownerOf(boundary).orElseThrow().id()).isEqualTo(3);
        assertThat(finished.ownerOf(boundary - 1).orElseThrow().id()).isEqualTo(1);
        PartitionMapRules.Decision again = PartitionMapRules.decide(finished, command(MapCommand.Kind.FINISH_SPLIT, 1));
        assertThat(again.accepted()).isTrue();
        assertThat(again.map()).as("a retried finish").isSameAs(finished);
    }

    @Test
    void splitAtOrBeforeTheRangeStartOrOfAnUnknownPartitionIsRefused() {
        PartitionRange range = two.partition(1).orElseThrow().range();

        assertThat(PartitionMapRules.decide(two, split(1, range)).status())
                .isEqualTo(RaftOperationStatus.PartitionRangeTaken);
        assertThat(PartitionMapRules.decide(two, split(1, new PartitionRange(5, -1L))).status())
                .as("a moved range that does not end where the source's does")
                .isEqualTo(RaftOperationStatus.PartitionRangeTaken);
        assertThat(PartitionMapRules.decide(two, split(9, range)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
    }

    @Test
    void removalDrainsThenRemovesEachStepOneGenerationOnAndIdsAreNeverReused() {
        PartitionMap drained = PartitionMapRules.decide(two, command(MapCommand.Kind.DRAIN, 2)).map();
        assertThat(drained.partition(2).orElseThrow().state()).isEqualTo(PartitionState.DRAINING);
        assertThat(drained.partition(2).orElseThrow().generation()).isEqualTo(2);

        PartitionMap removed = PartitionMapRules.decide(drained, command(MapCommand.Kind.REMOVE, 2)).map();
        assertThat(removed.partition(2).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertThat(removed.partition(2).orElseThrow().generation()).isEqualTo(3);
        assertThat(removed.highestId()).isEqualTo(2);
        assertThat(removed.ownerOf(-1L)).isEmpty();

        // The freed range may be taken again, under a new id.
        PartitionRange freed = two.partition(2).orElseThrow().range();
        PartitionMapRules.Decision retaken = PartitionMapRules.decide(removed, create(3, freed));
        assertThat(retaken.accepted()).isTrue();
        assertThat(retaken.map().ownerOf(-1L).orElseThrow().id()).isEqualTo(3);
    }

    @Test
    void removeOfAnActivePartitionIsRefusedUntilItDrains() {
        assertThat(PartitionMapRules.decide(two, command(MapCommand.Kind.REMOVE, 1)).status())
                .isEqualTo(RaftOperationStatus.PartitionNotDrained);
    }

    @Test
    void repeatedCommandsAreAcceptedAndChangeNothing() {
        PartitionMap drained = PartitionMapRules.decide(two, command(MapCommand.Kind.DRAIN, 1)).map();
        PartitionMapRules.Decision again = PartitionMapRules.decide(drained, command(MapCommand.Kind.DRAIN, 1));
        assertThat(again.accepted()).isTrue();
        assertThat(again.map()).isSameAs(drained);
    }

    @Test
    void commandsOnUnknownPartitionsAreRefused() {
        assertThat(PartitionMapRules.decide(two, command(MapCommand.Kind.DRAIN, 9)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(PartitionMapRules.decide(two, command(MapCommand.Kind.REMOVE, 9)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
    }

    @Test
    void commandsRoundTripAndGarbageIsRefused() {
        MapCommand routed = create(7, new PartitionRange(1, -1L));
        assertThat(MapCommand.decode(routed.encode())).isEqualTo(routed);
        assertThat(MapCommand.decode(command(MapCommand.Kind.REMOVE, 3).encode()))
                .isEqualTo(command(MapCommand.Kind.REMOVE, 3));
        assertThatThrownBy(() -> MapCommand.decode(new byte[] {1, 10, 0, 0, 0, 1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapCommand.decode(new byte[] {1, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCommandNamingItsCallRoundTripsInItsOwnFormatAndOnlyCallersCommandsNameOne() {
        MapCommand named = MapCommand.create(7, null, "node-a:7000/42");
        byte[] bytes = named.encode();
        assertThat(bytes[0]).as("format").isEqualTo((byte) 3);
        assertThat(MapCommand.decode(bytes)).isEqualTo(named);
        assertThat(MapCommand.decode(MapCommand.create(7, new PartitionRange(1, 9), "b/1").encode()).call())
                .isEqualTo("b/1");
        assertThat(command(MapCommand.Kind.CREATE, 7).encode()[0]).as("a create naming no call").isEqualTo((byte) 1);
        assertThatThrownBy(() -> new MapCommand(MapCommand.Kind.DRAIN, 3, null, List.of(), List.of(), "a/1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a create, split or merge");
        for (MapCommand.Kind kind : List.of(MapCommand.Kind.SPLIT, MapCommand.Kind.MERGE, MapCommand.Kind.COLOCATE)) {
            MapCommand called = MapCommand.called(kind, 2, new PartitionRange(5, 9), "node-b:7001/" + kind.ordinal());
            assertThat(MapCommand.decode(called.encode())).as("%s", kind).isEqualTo(called);
        }
        assertThatThrownBy(() -> MapCommand.create(7, null, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapCommand.create(7, null, "x".repeat(MapCommand.MAX_CALL_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        assertThatThrownBy(() -> MapCommand.decode(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        byte[] drainNamingACall = new MapCommand(MapCommand.Kind.DRAIN, 3, null).encode();
        byte[] forged = java.util.Arrays.copyOf(drainNamingACall, drainNamingACall.length + 3);
        forged[0] = 3;
        forged[forged.length - 2] = 1;
        forged[forged.length - 1] = 'a';
        assertThatThrownBy(() -> MapCommand.decode(forged)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPlacementSetsReplicasAndPreferenceAndBumpsTheGeneration() {
        MapCommand place = MapCommand.place(1, List.of("b:1", "a:1", "c:1"), List.of("a:1"));

        PartitionMapRules.Decision decision = PartitionMapRules.decide(two, place);
        PartitionDescriptor placed = decision.map().partition(1).orElseThrow();

        assertThat(decision.accepted()).isTrue();
        assertThat(decision.map().version()).isEqualTo(2);
        assertThat(placed.replicas()).containsExactly("b:1", "a:1", "c:1");
        assertThat(placed.leaderPreference()).containsExactly("a:1");
        assertThat(placed.generation()).isEqualTo(2);
        assertThat(placed.hostedBy("a:1")).isTrue();
        assertThat(placed.hostedBy("d:1")).isFalse();
        assertThat(PartitionMapRules.decide(decision.map(), place).map()).as("a repeat changes nothing")
                .isSameAs(decision.map());
    }

    @Test
    void aLeaderPreferenceAloneMovesTheMapButKeepsTheGeneration() {
        PartitionMap placed = PartitionMapRules.decide(two,
                MapCommand.place(1, List.of("b:1", "a:1", "c:1"), List.of("a:1"))).map();

        PartitionMapRules.Decision preferred = PartitionMapRules.decide(placed,
                MapCommand.place(1, List.of("b:1", "a:1", "c:1"), List.of("c:1")));
        PartitionMapRules.Decision everyMember = PartitionMapRules.decide(two,
                MapCommand.place(2, List.of(), List.of("b:1")));

        assertThat(preferred.accepted()).isTrue();
        assertThat(preferred.map().version()).isEqualTo(placed.version() + 1);
        assertThat(preferred.map().partition(1).orElseThrow().leaderPreference()).containsExactly("c:1");
        assertThat(preferred.map().partition(1).orElseThrow().generation()).as("writes routed at 2 stay valid")
                .isEqualTo(2);
        assertThat(everyMember.map().version()).isEqualTo(2);
        assertThat(everyMember.map().partition(2).orElseThrow().leaderPreference()).containsExactly("b:1");
        assertThat(everyMember.map().partition(2).orElseThrow().generation()).isEqualTo(1);
        assertThat(everyMember.map().partition(2).orElseThrow().range())
                .isEqualTo(two.partition(2).orElseThrow().range());
    }

    @Test
    void aPlacementOfAPartitionThatIsNotActiveIsRefused() {
        PartitionMap drained = PartitionMapRules.decide(two, command(MapCommand.Kind.DRAIN, 2)).map();

        PartitionMapRules.Decision decision = PartitionMapRules.decide(drained,
                MapCommand.place(2, List.of("a:1"), List.of("a:1")));

        assertThat(decision.status()).isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(decision.map()).isSameAs(drained);
    }

    @Test
    void theReplicationFactorIsNoMapChangeAndPlacementsRoundTrip() {
        MapCommand factor = new MapCommand(MapCommand.Kind.REPLICATION, 3, null);
        MapCommand place = MapCommand.place(4, List.of("höst:1", "b:2"), List.of("b:2"));

        assertThat(PartitionMapRules.decide(two, factor).map()).isSameAs(two);
        assertThat(MapCommand.decode(factor.encode())).isEqualTo(factor);
        assertThat(MapCommand.decode(place.encode())).isEqualTo(place);
        assertThat(MapCommand.decode(MapCommand.place(4, List.of(), List.of()).encode()).replicas()).isEmpty();
    }

    @Test
    void aBatchOfPlacementsIsDecidedInOrderAsOneChangeAndSkipsThoseRefused() {
        PartitionMap three = PartitionMapRules.first(PartitionRanges.split(3));
        PartitionMap drained = PartitionMapRules.decide(three, command(MapCommand.Kind.DRAIN, 2)).map();
        PlacementBatch batch = new PlacementBatch(List.of(MapCommand.place(1, List.of(), List.of("a:1")),
                MapCommand.place(2, List.of(), List.of("b:1")), MapCommand.place(3, List.of("a:1", "c:1"),
                        List.of("c:1"))));

        PartitionMapRules.BatchDecision decision = PartitionMapRules.decide(drained, batch);

        assertThat(decision.status()).isEqualTo(RaftOperationStatus.UnknownPartition); // partition 2 drains
        assertThat(decision.placed()).containsExactly(1, 3);
        assertThat(decision.map().version()).isEqualTo(drained.version() + 1);
        assertThat(decision.map().partition(1).orElseThrow().leaderPreference()).containsExactly("a:1");
        assertThat(decision.map().partition(2)).isEqualTo(drained.partition(2));
        assertThat(decision.map().partition(3).orElseThrow().generation()).isEqualTo(2);
        assertThat(decision.map()).as("the same as the placements one by one, but one version")
                .isEqualTo(new PartitionMap(drained.version() + 1, PartitionMapRules.decide(PartitionMapRules.decide(
                        drained, batch.placements().get(0)).map(), batch.placements().get(2)).map().partitions()));
        assertThat(PartitionMapRules.decide(decision.map(), batch).map()).as("a repeat changes nothing")
                .isSameAs(decision.map());
    }

    @Test
    void aBatchRoundTripsAndIsToldFromASingleCommandAndBadOnesAreRefused() {
        PlacementBatch batch = new PlacementBatch(List.of(
                MapCommand.place(1, List.of("höst:1", "b:2"), List.of("b:2")), MapCommand.place(7, List.of(), List.of())));
        MapCommand single = MapCommand.place(1, List.of("a:1"), List.of("a:1"));

        assertThat(PlacementBatch.decode(batch.encode())).isEqualTo(batch);
        assertThat(PlacementBatch.isBatch(batch.encode())).isTrue();
        assertThat(PlacementBatch.isBatch(single.encode())).isFalse();
        assertThat(MapCommand.decode(single.encode())).isEqualTo(single); // entries written before batches
        assertThatThrownBy(() -> MapCommand.decode(batch.encode())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlacementBatch(List.of(single, single)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlacementBatch(List.of(command(MapCommand.Kind.DRAIN, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlacementBatch(List.of())).isInstanceOf(IllegalArgumentException.class);
        byte[] encoded = batch.encode();
        assertThatThrownBy(() -> PlacementBatch.decode(java.util.Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PlacementBatch.decode(java.util.Arrays.copyOf(encoded, encoded.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static MapCommand create(int id, PartitionRange range) {
        return new MapCommand(MapCommand.Kind.CREATE, id, range);
    }

    private static MapCommand command(MapCommand.Kind kind, int id) {
        return new MapCommand(kind, id, null);
    }

    private static MapCommand merge(PartitionMap map, int survivor, int adjacent) {
        return new MapCommand(MapCommand.Kind.MERGE, survivor, map.partition(adjacent).orElseThrow().range());
    }

    @Test
    void mergeBeginsWithTheSurvivorMergingAndTheAdjacentDrainingThenFinishJoinsTheRanges() {
        PartitionMap begun = PartitionMapRules.decide(two, merge(two, 2, 1)).map();
        assertThat(begun.partition(2).orElseThrow().state()).isEqualTo(PartitionState.MERGING);
        assertThat(begun.partition(2).orElseThrow().generation()).isEqualTo(2);
        assertThat(begun.partition(1).orElseThrow().state()).isEqualTo(PartitionState.DRAINING);
        assertThat(begun.partition(1).orElseThrow().generation()).isEqualTo(2);
        assertThat(begun.mergeAdjacent(2).orElseThrow().id()).isEqualTo(1);
        assertThat(begun.mergeSurvivor(1).orElseThrow().id()).isEqualTo(2);
        assertThat(PartitionMapRules.decide(begun, merge(two, 2, 1)).map()).as("a retry").isSameAs(begun);

        PartitionMap finished = PartitionMapRules.decide(begun, new MapCommand(MapCommand.Kind.FINISH_MERGE, 2, null))
                .map();
        assertThat(finished.partition(2).orElseThrow()).isEqualTo(new PartitionDescriptor(2, PartitionRange.ALL, 3,
                PartitionState.ACTIVE, java.util.List.of(), java.util.List.of()));
        assertThat(finished.partition(1).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertThat(PartitionMapRules.decide(finished, new MapCommand(MapCommand.Kind.FINISH_MERGE, 2, null)).map())
                .as("a retried finish").isSameAs(finished);
    }

    @Test
    void aMergesAdjacentCannotBeRemovedNorItsSurvivorSplitWhileItRuns() {
        PartitionMap begun = PartitionMapRules.decide(two, merge(two, 1, 2)).map();

        assertThat(PartitionMapRules.decide(begun, new MapCommand(MapCommand.Kind.DRAIN, 2, null)).status())
                .isEqualTo(RaftOperationStatus.PartitionBusy);
        assertThat(PartitionMapRules.decide(begun, new MapCommand(MapCommand.Kind.REMOVE, 2, null)).status())
                .isEqualTo(RaftOperationStatus.PartitionBusy);
        PartitionRange range = begun.partition(1).orElseThrow().range();
        assertThat(PartitionMapRules.decide(begun, split(1, new PartitionRange(range.first() + 10, range.last())))
                .status()).isEqualTo(RaftOperationStatus.PartitionBusy);
    }

    @Test
    void aMergeNextToADrainingNeighbourIsBusyAndOfDistantPartitionsNotAdjacent() {
        PartitionMap three = PartitionMapRules.first(PartitionRanges.split(3));
        assertThat(PartitionMapRules.decide(three, merge(three, 1, 3)).status())
                .isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);

        PartitionMap draining = PartitionMapRules.decide(three, new MapCommand(MapCommand.Kind.DRAIN, 3, null)).map();
        assertThat(PartitionMapRules.decide(draining, merge(draining, 1, 2)).status())
                .isEqualTo(RaftOperationStatus.PartitionBusy);
    }

    @Test
    void aSplitsNewHalfFinishesOnTheSourcesReplicasAndPreference() {
        PartitionMap placed = PartitionMapRules.decide(two, MapCommand.place(1, List.of("b:1", "a:1", "c:1"),
                List.of("a:1"))).map();
        PartitionRange range = placed.partition(1).orElseThrow().range();
        PartitionMap begun = PartitionMapRules.decide(placed, split(1, new PartitionRange(range.first() + 1000,
                range.last()))).map();

        PartitionMap finished = PartitionMapRules.decide(begun, command(MapCommand.Kind.FINISH_SPLIT, 1)).map();

        assertThat(finished.partition(3).orElseThrow().replicas()).containsExactly("b:1", "a:1", "c:1");
        assertThat(finished.partition(3).orElseThrow().leaderPreference()).containsExactly("a:1");
        assertThat(finished.partition(1).orElseThrow().replicas()).containsExactly("b:1", "a:1", "c:1");
    }

    @Test
    void partitionsOnDifferentReplicasMergeOnlyAfterTheAdjacentIsPlacedOnTheSurvivors() {
        PartitionMap apart = PartitionMapRules.decide(PartitionMapRules.decide(two, MapCommand.place(1,
                List.of("a:1", "b:1", "c:1"), List.of("a:1"))).map(), MapCommand.place(2,
                List.of("c:1", "d:1", "e:1"), List.of("d:1"))).map();
        MapCommand colocate = new MapCommand(MapCommand.Kind.COLOCATE, 1, apart.partition(2).orElseThrow().range());

        PartitionMapRules.Decision refused = PartitionMapRules.decide(apart, merge(apart, 1, 2));
        PartitionMapRules.Decision placed = PartitionMapRules.decide(apart, colocate);

        assertThat(refused.status()).isEqualTo(RaftOperationStatus.PartitionBusy);
        assertThat(refused.map()).isSameAs(apart);
        assertThat(placed.accepted()).isTrue();
        PartitionDescriptor adjacent = placed.map().partition(2).orElseThrow();
        assertThat(adjacent.replicas()).containsExactly("a:1", "b:1", "c:1");
        assertThat(adjacent.leaderPreference()).containsExactly("a:1");
        assertThat(adjacent.state()).as("it keeps serving while its replicas move").isEqualTo(PartitionState.ACTIVE);
        assertThat(adjacent.generation()).isEqualTo(apart.partition(2).orElseThrow().generation() + 1);
        assertThat(PartitionMapRules.decide(placed.map(), colocate).map()).as("a repeat").isSameAs(placed.map());
        assertThat(MapCommand.decode(colocate.encode())).isEqualTo(colocate);
        PartitionMap begun = PartitionMapRules.decide(placed.map(), merge(placed.map(), 1, 2)).map();
        assertThat(begun.mergeAdjacent(1).orElseThrow().id()).isEqualTo(2);
    }

    @Test
    void aColocationIsRefusedAsTheMergeItPreparesWouldBe() {
        PartitionMap three = PartitionMapRules.first(PartitionRanges.split(3));
        MapCommand distant = new MapCommand(MapCommand.Kind.COLOCATE, 1, three.partition(3).orElseThrow().range());
        PartitionMap splitting = PartitionMapRules.decide(three, split(2, new PartitionRange(
                three.partition(2).orElseThrow().range().first() + 10, three.partition(2).orElseThrow().range().last())))
                .map();
        MapCommand busy = new MapCommand(MapCommand.Kind.COLOCATE, 1, splitting.partition(2).orElseThrow().range());

        assertThat(PartitionMapRules.decide(three, distant).status()).isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);
        assertThat(PartitionMapRules.decide(splitting, busy).status()).isEqualTo(RaftOperationStatus.PartitionBusy);
    }
}
