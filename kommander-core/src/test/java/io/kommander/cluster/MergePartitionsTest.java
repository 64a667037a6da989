package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Merges on the deterministic simulator, under continuous writes routed by each writer's map with the generation it
 * saw: every acknowledged write ends up exactly once, in the survivor; writes routed with the map before the merge
 * are refused; a crash of the adjacent partition's leader mid-merge converges; each refusal is clear and changes
 * nothing.
 */
class MergePartitionsTest {

    private static final int SURVIVOR = 1;
    private static final int ADJACENT = 2;

    @Test
    void mergeUnderWritesKeepsEveryAcknowledgedWriteOnceInTheSurvivor() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        PartitionMap before = cluster.node(0).getPartitionMap();
        PartitionDescriptor survivor = before.partition(SURVIVOR).orElseThrow();
        PartitionDescriptor adjacent = before.partition(ADJACENT).orElseThrow();
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keysOfBoth(before));
        for (int i = 0; i < 24; i++) {
            writer.writeOne(0);
        }
        int caller = cluster.others(cluster.awaitSystemLeader()).get(0);

        CompletableFuture<PartitionChangeResult> merge = cluster.node(caller).mergePartitions(SURVIVOR, ADJACENT);
        writer.writeUntil(merge, 0);
        PartitionChangeResult result = cluster.await(merge);
        int acknowledgedBeforeTheEnd = writer.acknowledged.size();
        for (int i = 0; i < 24; i++) {
            writer.writeOne(0);
        }

        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(result.partitionId()).isEqualTo(SURVIVOR);
        awaitMaps(cluster);
        PartitionMap map = cluster.awaitLeaderPreferences();
        // The merged partition keeps a leader preference, which the balancer may move once the merge is done.
        assertThat(map.partition(SURVIVOR).orElseThrow()).usingRecursiveComparison().ignoringFields("leaderPreference")
                .isEqualTo(new PartitionDescriptor(SURVIVOR, new PartitionRange(survivor.range().first(),
                        adjacent.range().last()), survivor.generation() + 2, PartitionState.ACTIVE, List.of(),
                        List.of()));
        assertThat(map.partition(SURVIVOR).orElseThrow().leaderPreference()).hasSize(1);
        assertThat(map.partition(ADJACENT).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertThat(writer.acknowledged.subList(acknowledgedBeforeTheEnd, writer.acknowledged.size()))
                .as("writes after the merge").hasSize(24).extracting(SimKeyedWriter.Ack::partition).containsOnly(SURVIVOR);
        assertThat(writer.acknowledged).extracting(SimKeyedWriter.Ack::partition).as("writes before the merge")
                .contains(SURVIVOR, ADJACENT);
        assertEveryAcknowledgedWriteOnceInTheSurvivor(cluster, writer, true);
        cluster.runUntil("every node deleted the adjacent partition's data", () -> IntStream.range(0, 3)
                .noneMatch(n -> cluster.storedPartitions(n).contains(ADJACENT)));

        // Writers still routing with the map before the merge are refused, and nothing is appended.
        RaftReplicationResult toSurvivor = cluster.await(cluster.node(cluster.leaderOf(SURVIVOR)).replicateLogs(
                SURVIVOR, "test", List.of("stale".getBytes(StandardCharsets.UTF_8)), true, survivor.generation()));
        assertThat(toSurvivor.status()).isEqualTo(RaftOperationStatus.PartitionMoved);
        RaftReplicationResult toAdjacent = cluster.await(cluster.node(0).replicateLogs(ADJACENT, "test",
                List.of("stale".getBytes(StandardCharsets.UTF_8)), true, adjacent.generation()));
        assertThat(toAdjacent.status()).isEqualTo(RaftOperationStatus.PartitionMoved);
        assertThat(toAdjacent.movedTo()).isEqualTo(new RaftReplicationResult.PartitionOwner(SURVIVOR,
                survivor.generation() + 2));
    }

    @Test
    void crashOfTheAdjacentLeaderMidMergeConverges() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keysOfBoth(cluster.node(0).getPartitionMap()));
        for (int i = 0; i < 20; i++) {
            writer.writeOne(0);
        }
        int adjacentLeader = cluster.awaitLeader(ADJACENT);
        int caller = cluster.others(adjacentLeader).get(0);

        CompletableFuture<PartitionChangeResult> merge = cluster.node(caller).mergePartitions(SURVIVOR, ADJACENT);
        cluster.runUntil("the adjacent's leader applied the merge's start", () -> cluster.node(adjacentLeader)
                .getPartitionMap().partition(ADJACENT).orElseThrow().state() == PartitionState.DRAINING);
        cluster.crash(adjacentLeader);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(caller);
        }
        cluster.restart(adjacentLeader);
        writer.writeUntil(merge, caller);

        assertThat(cluster.await(merge).status()).isEqualTo(RaftOperationStatus.Success);
        awaitMaps(cluster);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(caller);
        }
        assertEveryAcknowledgedWriteOnceInTheSurvivor(cluster, writer, false);
    }

    @Test
    void partitionsWhoseRangesDoNotAbutAreRefusedAndNothingChanges() {
        SimCluster cluster = SimCluster.builder(3, 3).snapshots().start();
        PartitionMap before = cluster.awaitLeaderPreferences(); // the map's last change until a member comes or goes

        assertThat(cluster.await(cluster.node(1).mergePartitions(1, 3)).status())
                .isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);
        assertThat(cluster.await(cluster.node(1).mergePartitions(3, 1)).status())
                .isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);
        assertThat(cluster.node(0).getPartitionMap()).isEqualTo(before);
    }

    @Test
    void anUnroutedPartitionIsAdjacentToNone() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        int unrouted = cluster.await(cluster.node(0).createPartition(null)).partitionId();
        PartitionMap before = cluster.node(0).getPartitionMap();

        assertThat(cluster.await(cluster.node(1).mergePartitions(SURVIVOR, unrouted)).status())
                .isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);
        assertThat(cluster.await(cluster.node(1).mergePartitions(unrouted, SURVIVOR)).status())
                .isEqualTo(RaftOperationStatus.PartitionsNotAdjacent);
        assertThat(cluster.node(0).getPartitionMap()).isEqualTo(before);
    }

    @Test
    void anUnknownOrRemovedPartitionIsRefused() {
        SimCluster cluster = SimCluster.builder(3, 3).snapshots().start();
        assertThat(cluster.await(cluster.node(1).mergePartitions(SURVIVOR, 99)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(cluster.await(cluster.node(1).removePartition(ADJACENT)).status())
                .isEqualTo(RaftOperationStatus.Success);
        PartitionMap before = cluster.node(1).getPartitionMap();

        assertThat(cluster.await(cluster.node(1).mergePartitions(SURVIVOR, ADJACENT)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(cluster.await(cluster.node(1).mergePartitions(ADJACENT, SURVIVOR)).status())
                .isEqualTo(RaftOperationStatus.UnknownPartition);
        assertThat(cluster.node(1).getPartitionMap()).isEqualTo(before);
    }

    @Test
    void aPartitionBeingSplitIsBusy() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        PartitionRange range = cluster.node(0).getPartitionMap().partition(ADJACENT).orElseThrow().range();
        CompletableFuture<PartitionChangeResult> split = cluster.node(0).splitPartition(ADJACENT,
                range.first() + (range.last() - range.first()) / 2);
        cluster.runUntil("the split began", () -> cluster.node(1).getPartitionMap().partition(ADJACENT).orElseThrow()
                .state() == PartitionState.SPLITTING);

        assertThat(cluster.await(cluster.node(1).mergePartitions(SURVIVOR, ADJACENT)).status())
                .isEqualTo(RaftOperationStatus.PartitionBusy);
        assertThat(cluster.await(split).status()).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void theSystemPartitionOrOnePartitionTwiceIsAnArgumentError() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        assertThatThrownBy(() -> cluster.node(0).mergePartitions(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cluster.node(0).mergePartitions(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cluster.node(0).mergePartitions(1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anApplicationThatCannotMergeGetsAClearRefusalAndNothingChanges() {
        SimCluster cluster = SimCluster.builder(3, 2).start(); // no IRaftStateMachineTransfer
        PartitionMap before = cluster.awaitLeaderPreferences();

        assertThat(cluster.await(cluster.node(1).mergePartitions(SURVIVOR, ADJACENT)).status())
                .isEqualTo(RaftOperationStatus.SplitUnsupported);
        cluster.runFor(Duration.ofSeconds(1));
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.node(n).getPartitionMap()).isEqualTo(before);
        }
        cluster.writeSequentially(ADJACENT, "still-", 3);
    }

    /**
     * Every node's survivor holds each acknowledged write once; with {@code adjacentEmptied}, every node's application
     * handed its adjacent partition's keys over (a node that was down may see the merge finish before its replica of
     * the adjacent caught up to the merge entry: that replica is closed with the state it had, see partitions.md).
     */
    static void assertEveryAcknowledgedWriteOnceInTheSurvivor(SimCluster cluster, SimKeyedWriter writer,
                                                              boolean adjacentEmptied) {
        for (int n = 0; n < 3; n++) {
            int node = n;
            cluster.runUntil("node " + n + " holds every acknowledged write", () -> writer.acknowledged.stream()
                    .allMatch(a -> cluster.keyed(node, SURVIVOR).contains(a.payload())));
            List<String> held = cluster.keyed(n, SURVIVOR).stream().filter(t -> t.contains("#")).toList();
            assertThat(held).as("node %d", n).doesNotHaveDuplicates();
            if (adjacentEmptied) {
                assertThat(cluster.keyed(n, ADJACENT).stream().filter(t -> t.contains("#"))).as("node %d", n)
                        .isEmpty();
            }
        }
    }

    static void awaitMaps(SimCluster cluster) {
        cluster.runUntil("every node applied the merge's finish", () -> IntStream.range(0, 3).allMatch(n ->
                cluster.node(n).getPartitionMap().partition(ADJACENT).map(p -> p.state() == PartitionState.REMOVED)
                        .orElse(false)));
    }

    /** Twelve keys of each partition, alternating. */
    static List<String> keysOfBoth(PartitionMap map) {
        List<String> lower = KeyedWriter.keysIn(map.partition(SURVIVOR).orElseThrow().range(), 12);
        List<String> upper = KeyedWriter.keysIn(map.partition(ADJACENT).orElseThrow().range(), 12);
        return IntStream.range(0, 12).boxed().flatMap(i -> Stream.of(lower.get(i), upper.get(i))).toList();
    }
}
