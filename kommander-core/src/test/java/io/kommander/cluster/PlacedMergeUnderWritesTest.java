package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A merge on real threads (in-memory WAL and transport) of two partitions placed on different replicas, five nodes
 * with a replication factor of three, while a writer thread keeps writing keyed payloads of both: the adjacent is
 * placed on the survivor's replicas first, and every acknowledged write ends up exactly once in the survivor, on each
 * of its three replicas.
 */
class PlacedMergeUnderWritesTest {

    private static final int NODES = 5;

    @Test
    void aMergeOfPartitionsOnDifferentReplicasKeepsEveryAcknowledgedWriteOnceInTheSurvivor() throws Exception {
        PayloadStateMachine[] applications = new PayloadStateMachine[NODES];
        try (TestCluster cluster = TestCluster.builder(NODES, 4).tuning(b -> b.replicationFactor(3))
                .snapshots(i -> applications[i] = new PayloadStateMachine()).build().start()) {
            await().atMost(TestCluster.WAIT).until(() -> placed(cluster.node(0).getPartitionMap()));
            PartitionMap before = cluster.node(0).getPartitionMap();
            int survivor = IntStream.rangeClosed(1, 3).filter(p -> !Set.copyOf(replicas(before, p))
                    .equals(Set.copyOf(replicas(before, p + 1)))).findFirst().orElseThrow();
            int adjacent = survivor + 1;
            List<String> keys = KeyedWriter.keysAcross(before.partition(survivor).orElseThrow().range(),
                    before.partition(adjacent).orElseThrow().range(), 16);
            KeyedWriter.Outcome<PartitionChangeResult> outcome = KeyedWriter.around(cluster, keys,
                    "placed-merge-writer", () -> cluster.node(1).mergePartitions(survivor, adjacent));
            Set<String> acknowledged = outcome.acknowledged();

            assertThat(outcome.result().status()).isEqualTo(RaftOperationStatus.Success);
            await().atMost(TestCluster.WAIT).until(() -> IntStream.range(0, NODES).allMatch(n -> cluster.node(n)
                    .getPartitionMap().partition(adjacent).map(p -> p.state() == PartitionState.REMOVED)
                    .orElse(false)));
            PartitionDescriptor merged = cluster.node(0).getPartitionMap().partition(survivor).orElseThrow();
            assertThat(merged.replicas()).hasSize(3);
            for (String replica : merged.replicas()) {
                int n = IntStream.range(0, NODES).filter(i -> cluster.endpoint(i).equals(replica)).findFirst()
                        .orElseThrow();
                await().atMost(TestCluster.WAIT).until(() -> applications[n].state(survivor).containsAll(acknowledged));
                assertThat(applications[n].state(survivor)).as("node %d", n).doesNotHaveDuplicates();
            }
        }
    }

    /** Whether every partition of the map lives on exactly three replicas. */
    private static boolean placed(PartitionMap map) {
        return !map.partitions().isEmpty() && map.partitions().stream().allMatch(p -> p.replicas().size() == 3);
    }

    private static List<String> replicas(PartitionMap map, int partition) {
        return map.partition(partition).orElseThrow().replicas();
    }
}
