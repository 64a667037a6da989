package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.kommander.cluster.PlacedSplitMergeTest.replicas;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A merge of two partitions on different replicas (co-location, then the merge) on five nodes of R = 3, on virtual
 * time, while a sixth node joins and one of the survivor's replicas leaves, under keyed writes routed by a node's
 * map: the merge, the join and the leave all finish, the placement settles on the five that stay, and every
 * acknowledged write is held exactly once, by the partition that owns its key, on each of its replicas.
 */
class MergeDuringMembershipChangeTest {

    private static final int NODES = 5;

    @Test
    void aNodeJoiningAndASurvivorsReplicaLeavingWhileAMergeRunsLoseNothing() {
        SimCluster cluster = SimCluster.builder(NODES + 1, 4).spares(1).snapshots()
                .tuning(b -> b.replicationFactor(3)).start();
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        PartitionMap before = cluster.node(0).getPartitionMap();
        int survivor = IntStream.rangeClosed(1, 3).filter(p -> !Set.copyOf(replicas(before, p))
                .equals(Set.copyOf(replicas(before, p + 1)))).findFirst().orElseThrow();
        int adjacent = survivor + 1;
        int systemLeader = cluster.awaitSystemLeader();
        int leaver = replicas(before, survivor).stream().map(e -> ReplicaPlacementClusterTest.indexOf(cluster, e))
                .filter(n -> n != systemLeader).findFirst().orElseThrow();
        int through = cluster.others(leaver, systemLeader).get(0);
        SimKeyedWriter writer = new SimKeyedWriter(cluster,
                PlacedSplitMergeTest.keysOfBoth(before, survivor, adjacent));
        for (int i = 0; i < 24; i++) {
            writer.writeOne(through);
        }

        CompletableFuture<PartitionChangeResult> merge = cluster.node(through).mergePartitions(survivor, adjacent);
        CompletableFuture<Void> joined = cluster.join(NODES);
        CompletableFuture<RaftOperationStatus> removed = cluster.node(through)
                .removeMember(cluster.endpoint(leaver));
        writer.writeUntil(CompletableFuture.allOf(merge, joined, removed), through);
        // The roster takes one change at a time: a removal asked while the join runs is refused, and asked again.
        while (removed.join() == RaftOperationStatus.MembershipChangeInProgress) {
            removed = cluster.node(through).removeMember(cluster.endpoint(leaver));
            writer.writeUntil(removed, through);
        }
        for (int i = 0; i < 24; i++) {
            writer.writeOne(through);
        }

        assertThat(cluster.await(merge).status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(cluster.await(removed)).isEqualTo(RaftOperationStatus.Success);
        List<Integer> stay = IntStream.rangeClosed(0, NODES).filter(n -> n != leaver).boxed().toList();
        cluster.runUntil("placement settled on the five that stay",
                () -> ReplicaPlacementClusterTest.settledOn(cluster, stay));
        PartitionMap map = cluster.node(through).getPartitionMap();
        assertThat(map.partition(adjacent).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertThat(map.partitions()).noneMatch(p -> p.state() == PartitionState.ACTIVE
                && p.replicas().contains(cluster.endpoint(leaver)));
        assertThat(writer.acknowledged).extracting(SimKeyedWriter.Ack::partition).contains(survivor, adjacent);
        PlacedSplitMergeTest.assertEveryAcknowledgedWriteOnceWhereItsKeyIsOwned(cluster, writer, map);
    }
}
