package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftLogType;
import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.kommander.internal.system.RaftSystemCoordinator.RANGES_TYPE;
import static io.kommander.internal.system.RaftSystemCoordinator.SYSTEM_PARTITION;
import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator on its own: partition 0 is a recording stand-in, entries are handed over as the log would. */
class RaftSystemCoordinatorTest {

    private static final int INITIAL_PARTITIONS = 4;

    private static final RosterCommand FIRST_ROSTER = RosterCommand.bootstrap(List.of(
            new Member(1, "a:1", Member.Role.VOTER, 1, 0), new Member(0, "b:1", Member.Role.VOTER, 1, 0)));

    private final List<Integer> created = new ArrayList<>();
    private final List<Integer> removed = new ArrayList<>();
    private final List<Integer> placed = new ArrayList<>();
    private final List<PartitionMap> maps = new ArrayList<>();
    private final List<Proposal> proposals = new ArrayList<>();
    private final List<Roster> rosters = new ArrayList<>();
    private final RaftSystemCoordinator coordinator = new RaftSystemCoordinator(INITIAL_PARTITIONS,
            new RaftSystemCoordinator.Hosting() {
                @Override
                public void open(int partition) {
                    created.add(partition);
                }

                @Override
                public void remove(int partition) {
                    removed.add(partition);
                }

                @Override
                public void placed(int partition) {
                    placed.add(partition);
                }
            }, () -> FIRST_ROSTER);

    private record Proposal(EntryKind kind, String type, List<byte[]> payloads) {
    }

    RaftSystemCoordinatorTest() {
        coordinator.onRosterChanged(rosters::add);
        coordinator.onMapChanged(maps::add);
        coordinator.attach((kind, type, payloads) -> {
            proposals.add(new Proposal(kind, type, payloads));
            return CompletableFuture.completedFuture(RaftReplicationResult.success(HLCTimestamp.ZERO, 1));
        });
    }

    @Test
    void readyLeaderProposesTheInitialRangesAsOneSystemEntry() {
        coordinator.leaderReady(SYSTEM_PARTITION);

        assertThat(proposals).hasSize(2);
        Proposal proposal = proposals.get(0);
        assertThat(proposal.kind()).isEqualTo(EntryKind.SYSTEM);
        assertThat(proposal.type()).isEqualTo(RANGES_TYPE);
        assertThat(proposal.payloads()).hasSize(1);
        assertThat(PartitionRanges.decode(proposal.payloads().get(0)))
                .isEqualTo(PartitionRanges.split(INITIAL_PARTITIONS));
    }

    @Test
    void nodeThatNeverLeadsProposesNothing() {
        coordinator.leaderChanged(SYSTEM_PARTITION, "other:7001");
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));

        assertThat(proposals).isEmpty();
        assertThat(coordinator.ranges()).isEqualTo(PartitionRanges.split(INITIAL_PARTITIONS));
    }

    @Test
    void laterLeaderDoesNotProposeRangesTheLogAlreadyHolds() {
        coordinator.leaderReady(SYSTEM_PARTITION);
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(2, FIRST_ROSTER));
        coordinator.leaderReady(SYSTEM_PARTITION);

        assertThat(proposals).extracting(Proposal::type).containsExactly(RANGES_TYPE, RosterCommand.TYPE);
    }

    @Test
    void leaderAfterRestoreDoesNotProposeRangesItRestored() {
        coordinator.restored(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));
        coordinator.restored(SYSTEM_PARTITION, rosterEntry(2, FIRST_ROSTER));
        coordinator.leaderReady(SYSTEM_PARTITION);

        assertThat(proposals).isEmpty();
    }

    @Test
    void readyLeaderProposesTheFirstRosterRightAfterTheRanges() {
        coordinator.leaderReady(SYSTEM_PARTITION);

        assertThat(proposals).extracting(Proposal::type).containsExactly(RANGES_TYPE, RosterCommand.TYPE);
        assertThat(RosterCommand.decode(proposals.get(1).payloads().get(0))).isEqualTo(FIRST_ROSTER);
    }

    @Test
    void leaderOfAClusterStartedWithoutARosterProposesOneFromItsConfiguredMembers() {
        coordinator.restored(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));
        coordinator.leaderReady(SYSTEM_PARTITION);

        assertThat(proposals).extracting(Proposal::type).containsExactly(RosterCommand.TYPE);
    }

    @Test
    void rosterCommandsApplyInCommitOrderAndEachChangeReachesTheListener() {
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(1, FIRST_ROSTER));
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(2, RosterCommand.of(RosterCommand.Kind.JOIN, "c:1", 3,
                7)));
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(3, RosterCommand.of(RosterCommand.Kind.PROMOTE, "c:1",
                0, 0)));

        assertThat(rosters).extracting(Roster::version).containsExactly(1L, 2L, 3L);
        assertThat(coordinator.roster().member("c:1"))
                .isEqualTo(new Member(3, "c:1", Member.Role.VOTER, 2, 7));
        assertThat(coordinator.outcomeAt(3)).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void commandThatBecameInvalidBeforeItAppliedChangesNothingAndSaysWhy() {
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(1, FIRST_ROSTER));
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(2, RosterCommand.of(RosterCommand.Kind.JOIN, "c:1", 3,
                0)));
        coordinator.delivered(SYSTEM_PARTITION, rosterEntry(3, RosterCommand.of(RosterCommand.Kind.JOIN, "d:1", 4,
                0)));

        assertThat(coordinator.roster().version()).isEqualTo(2);
        assertThat(coordinator.roster().contains("d:1")).isFalse();
        assertThat(coordinator.outcomeAt(3)).isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
        assertThat(rosters).hasSize(2);
    }

    @Test
    void deliveredRangesCreateTheUserPartitionsAndCompleteRangesKnown() {
        CompletableFuture<PartitionRanges> known = coordinator.rangesKnown();
        assertThat(known).isNotDone();

        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));

        assertThat(known).isCompletedWithValue(PartitionRanges.split(INITIAL_PARTITIONS));
        assertThat(coordinator.ranges()).isEqualTo(PartitionRanges.split(INITIAL_PARTITIONS));
        assertThat(created).containsExactly(1, 2, 3, 4);
    }

    @Test
    void restoredRangesOpenTheirPartitionsOnceTheRestoreEnds() {
        coordinator.restoreStarted(SYSTEM_PARTITION);
        coordinator.restored(SYSTEM_PARTITION, rangesEntry(1, 2));
        assertThat(created).isEmpty();
        assertThat(coordinator.rangesKnown()).isNotDone();

        coordinator.restoreFinished(SYSTEM_PARTITION);

        assertThat(coordinator.rangesKnown()).isCompletedWithValue(PartitionRanges.split(2));
        assertThat(created).containsExactly(1, 2);
    }

    @Test
    void firstMapIsDerivedFromTheRangesRecordAndCoversTheWholeSpace() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));

        PartitionMap map = coordinator.map();
        assertThat(map.version()).isEqualTo(1);
        assertThat(map.partitions()).extracting(PartitionDescriptor::id).containsExactly(1, 2, 3, 4);
        assertThat(map.partitions()).allMatch(p -> p.generation() == 1 && p.state() == PartitionState.ACTIVE);
        assertThat(map.ownerOf(0L).orElseThrow().id()).isEqualTo(1);
        assertThat(map.ownerOf(-1L).orElseThrow().id()).isEqualTo(4);
        for (String key : List.of("a", "orders/42", "zzz")) {
            assertThat(map.ownerOfKey(key).orElseThrow().id())
                    .isEqualTo(PartitionRanges.split(INITIAL_PARTITIONS).partitionOf(key));
        }
        assertThat(maps).containsExactly(map);
    }

    @Test
    void mapChangesApplyInCommitOrderOpenAndRemovePartitionsAndReachTheListener() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 2));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, new MapCommand(MapCommand.Kind.CREATE, 3, null)));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(3, new MapCommand(MapCommand.Kind.DRAIN, 3, null)));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(4, new MapCommand(MapCommand.Kind.REMOVE, 3, null)));

        assertThat(created).containsExactly(1, 2, 3);
        assertThat(removed).containsExactly(3);
        assertThat(maps).extracting(PartitionMap::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(coordinator.map().partition(3).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertThat(coordinator.outcomeAt(4)).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void aSplitNamesItsCallWithTheNewHalf() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 2));
        PartitionRange upper = coordinator.map().partition(2).orElseThrow().range();
        PartitionRange moved = new PartitionRange(upper.first() + (upper.last() - upper.first()) / 2, upper.last());
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, MapCommand.called(MapCommand.Kind.SPLIT, 2, moved,
                "n1:7000/8")));

        assertThat(coordinator.map().splitTarget(2)).isPresent();
        assertThat(coordinator.madeBy("n1:7000/8")).isEqualTo(3);
    }

    @Test
    void aMergeNamesItsCallWithTheSurvivor() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 2));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, MapCommand.called(MapCommand.Kind.MERGE, 1,
                coordinator.map().partition(2).orElseThrow().range(), "n2:7000/3")));

        assertThat(coordinator.map().mergeAdjacent(1)).isPresent();
        assertThat(coordinator.madeBy("n2:7000/3")).isEqualTo(1);
    }

    @Test
    void aCreateRetriedAfterItsFirstAttemptWasAppliedChangesNothingAndNamesTheFirstPartition() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 2));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, MapCommand.create(3, null, "n1:7000/5")));
        // The same call, proposed again by a later leader that decided it before applying the first: the next id.
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(3, MapCommand.create(4, null, "n1:7000/5")));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(4, MapCommand.create(4, null, "n1:7000/6")));

        assertThat(created).containsExactly(1, 2, 3, 4);
        assertThat(coordinator.madeBy("n1:7000/5")).isEqualTo(3);
        assertThat(coordinator.madeBy("n1:7000/6")).isEqualTo(4);
        assertThat(coordinator.madeBy("n2:7000/5")).isNull();
        assertThat(coordinator.outcomeAt(3)).as("the repeat").isEqualTo(RaftOperationStatus.Success);
        assertThat(maps).extracting(PartitionMap::version).as("the repeat changed no map").containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBatchOfPlacementsIsOneMapChangeBesideSingleCommandsAndEachPlacementIsDecidedWhenApplied() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, new MapCommand(MapCommand.Kind.DRAIN, 2, null)));
        PlacementBatch batch = new PlacementBatch(List.of(MapCommand.place(1, List.of(), List.of("a:1")),
                MapCommand.place(2, List.of(), List.of("b:1")), MapCommand.place(3, List.of(), List.of("b:1"))));
        coordinator.delivered(SYSTEM_PARTITION, entry(3, MapCommand.TYPE, batch.encode()));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(4, MapCommand.place(4, List.of(), List.of("a:1"))));

        assertThat(maps).extracting(PartitionMap::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(placed).as("the drained partition is not placed").containsExactly(1, 3, 4);
        assertThat(coordinator.outcomeAt(3)).isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(coordinator.map().partitions()).extracting(p -> p.leaderPreference())
                .containsExactly(List.of("a:1"), List.of(), List.of("b:1"), List.of("a:1"));
        assertThat(coordinator.ignoredEntries()).isZero();
    }

    @Test
    void restoreNeverOpensAPartitionRemovedLaterInTheLog() {
        coordinator.restoreStarted(SYSTEM_PARTITION);
        coordinator.restored(SYSTEM_PARTITION, rangesEntry(1, 2));
        coordinator.restored(SYSTEM_PARTITION, mapEntry(2, new MapCommand(MapCommand.Kind.DRAIN, 2, null)));
        coordinator.restored(SYSTEM_PARTITION, mapEntry(3, new MapCommand(MapCommand.Kind.REMOVE, 2, null)));
        coordinator.restoreFinished(SYSTEM_PARTITION);

        assertThat(created).containsExactly(1);
        assertThat(removed).as("deleted again, in case the node stopped before that was durable").containsExactly(2);
        assertThat(coordinator.rangesKnown()).isDone();
    }

    @Test
    void fenceRefusesStaleGenerationsDrainingAndRemovedPartitions() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 2));
        assertThat(coordinator.fence(1, 1)).isNull();
        assertThat(coordinator.fence(1, 0)).isNull();
        assertThat(coordinator.fence(1, 5)).as("a caller ahead of this node's map").isNull();

        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, new MapCommand(MapCommand.Kind.DRAIN, 1, null)));
        assertThat(coordinator.fence(1, 0).status()).isEqualTo(RaftOperationStatus.PartitionDraining);
        assertThat(coordinator.fence(1, 1).status()).isEqualTo(RaftOperationStatus.PartitionDraining);

        coordinator.delivered(SYSTEM_PARTITION, mapEntry(3, new MapCommand(MapCommand.Kind.REMOVE, 1, null)));
        assertThat(coordinator.fence(1, 1).status()).isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(coordinator.fence(2, 1)).isNull();
    }

    @Test
    void staleGenerationOfALivePartitionIsToldItsCurrentOne() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, 1));
        PartitionRange taken = new PartitionRange(0, 10);
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(2, new MapCommand(MapCommand.Kind.DRAIN, 1, null)));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(3, new MapCommand(MapCommand.Kind.REMOVE, 1, null)));
        coordinator.delivered(SYSTEM_PARTITION, mapEntry(4, new MapCommand(MapCommand.Kind.CREATE, 2, taken)));

        RaftReplicationResult moved = coordinator.fence(1, 1);
        assertThat(moved.status()).isEqualTo(RaftOperationStatus.PartitionMoved);
        assertThat(moved.movedTo()).isEqualTo(new RaftReplicationResult.PartitionOwner(2, 1));
        assertThat(moved.outcome()).isEqualTo(io.kommander.WriteOutcome.NOT_APPENDED);
    }

    @Test
    void firstRangesEntryInTheLogWins() {
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(1, INITIAL_PARTITIONS));
        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(2, 8));

        assertThat(coordinator.ranges()).isEqualTo(PartitionRanges.split(INITIAL_PARTITIONS));
        assertThat(created).containsExactly(1, 2, 3, 4);
        assertThat(coordinator.ignoredEntries()).isZero();
    }

    @Test
    void unknownSystemEntryIsSkippedAndCountedWithoutTouchingTheRanges() {
        coordinator.delivered(SYSTEM_PARTITION, entry(1, "kommander.system.from-a-newer-version", new byte[] {1}));

        assertThat(coordinator.ignoredEntries()).isEqualTo(1);
        assertThat(coordinator.ranges()).isNull();
        assertThat(coordinator.rangesKnown()).isNotDone();
        assertThat(created).isEmpty();

        coordinator.delivered(SYSTEM_PARTITION, rangesEntry(2, INITIAL_PARTITIONS));
        assertThat(coordinator.rangesKnown()).isCompletedWithValue(PartitionRanges.split(INITIAL_PARTITIONS));
    }

    private static RaftLog rosterEntry(long index, RosterCommand command) {
        return entry(index, RosterCommand.TYPE, command.encode());
    }

    private static RaftLog mapEntry(long index, MapCommand command) {
        return entry(index, MapCommand.TYPE, command.encode());
    }

    private static RaftLog rangesEntry(long index, int partitions) {
        return entry(index, RANGES_TYPE, PartitionRanges.split(partitions).encode());
    }

    private static RaftLog entry(long index, String type, byte[] data) {
        return new RaftLog(index, 1, RaftLogType.Committed, HLCTimestamp.ZERO, type, data);
    }
}
