package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica placement on the deterministic simulator: with more voters than the replication factor, each partition
 * lives on R of them, only they host it, and writes reach it from any node (a node that does not host it answers
 * NodeIsNotLeader naming a member that does).
 */
class ReplicaPlacementClusterTest {

    private static final int PARTITIONS = 4;

    @Test
    void fiveNodesOfReplicationFactorThreeHostEachPartitionOnThreeOfThem() {
        SimCluster cluster = SimCluster.builder(5, PARTITIONS).start();

        awaitSettled(cluster, 5);

        PartitionMap map = cluster.node(0).getPartitionMap();
        for (PartitionDescriptor partition : map.partitions()) {
            assertThat(partition.replicas()).hasSize(3).doesNotHaveDuplicates();
            assertThat(partition.leaderPreference()).hasSize(1).isSubsetOf(partition.replicas());
            for (int n = 0; n < 5; n++) {
                boolean replica = partition.replicas().contains(cluster.endpoint(n));
                assertThat(cluster.view(n, partition.id()) != null).as("node %d hosts %d", n, partition.id())
                        .isEqualTo(replica);
                if (!replica) {
                    int node = n;
                    cluster.runUntil("node " + n + " deleted partition " + partition.id() + "'s data",
                            () -> !cluster.storedPartitions(node).contains(partition.id()));
                }
            }
        }
        // Even: 4 partitions x 3 replicas on 5 nodes is 2 or 3 each.
        for (int n = 0; n < 5; n++) {
            String endpoint = cluster.endpoint(n);
            long hosted = map.partitions().stream().filter(p -> p.replicas().contains(endpoint)).count();
            assertThat(hosted).as("replicas on node %d", n).isBetween(2L, 3L);
        }
    }

    @Test
    void writesReachAPlacedPartitionAndANodeThatDoesNotHostItNamesOneThatDoes() {
        SimCluster cluster = SimCluster.builder(5, PARTITIONS).start();
        awaitSettled(cluster, 5);
        PartitionDescriptor partition = cluster.node(0).getPartitionMap().partition(1).orElseThrow();
        int outsider = IntStream.range(0, 5).filter(n -> !partition.replicas().contains(cluster.endpoint(n)))
                .findFirst().orElseThrow();

        RaftReplicationResult refused = cluster.await(cluster.node(outsider).replicateLogs(1, "test",
                "x".getBytes(StandardCharsets.UTF_8)));
        List<String> written = cluster.writeSequentially(1, "w-", 10);

        assertThat(refused.status()).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
        assertThat(partition.replicas()).contains(refused.leader());
        for (String replica : partition.replicas()) {
            int n = indexOf(cluster, replica);
            assertThat(cluster.awaitHistory(n, 1, written.size())).containsExactlyElementsOf(written);
        }
    }

    @Test
    void aCreatedPartitionIsPlacedOnThreeOfFiveNodes() {
        SimCluster cluster = SimCluster.builder(5, PARTITIONS).start();
        awaitSettled(cluster, 5);

        PartitionChangeResult created = cluster.await(cluster.node(1).createPartition(null));
        assertThat(created.status()).isEqualTo(RaftOperationStatus.Success);
        awaitSettled(cluster, 5);
        List<String> written = cluster.writeSequentially(created.partitionId(), "c-", 5);

        PartitionDescriptor placed = cluster.node(0).getPartitionMap().partition(created.partitionId())
                .orElseThrow();
        assertThat(placed.replicas()).hasSize(3);
        for (String replica : placed.replicas()) {
            assertThat(cluster.awaitHistory(indexOf(cluster, replica), placed.id(), written.size()))
                    .containsExactlyElementsOf(written);
        }
    }

    @Test
    void threeNodesKeepEveryPartitionEverywhere() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        cluster.awaitLeader(1);
        cluster.writeSequentially(1, "w-", 3);

        PartitionMap map = cluster.node(0).getPartitionMap();
        assertThat(map.version()).isEqualTo(1);
        assertThat(map.partitions()).allMatch(p -> p.replicas().isEmpty() && p.leaderPreference().isEmpty());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs until every node of {@code size} applied the same map, every live partition is placed on R members, each
     * replica's configuration has exactly them as voters, and no other node holds it open.
     */
    static void awaitSettled(SimCluster cluster, int size) {
        cluster.runUntil("placement settled", () -> settled(cluster, size));
    }

    static boolean settled(SimCluster cluster, int size) {
        PartitionMap map = cluster.node(0).getPartitionMap();
        if (map.version() == 0) {
            return false;
        }
        for (int n = 1; n < size; n++) {
            if (cluster.node(n) == null || !cluster.node(n).getPartitionMap().equals(map)) {
                return false;
            }
        }
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.state() != PartitionState.ACTIVE) {
                continue;
            }
            if (partition.replicas().size() != Math.min(3, size)) {
                return false;
            }
            Set<String> replicas = new TreeSet<>(partition.replicas());
            for (int n = 0; n < size; n++) {
                ReplicaView view = cluster.view(n, partition.id());
                boolean replica = replicas.contains(cluster.endpoint(n));
                if (replica != (view != null) || (replica && (view.configuration() == null
                        || !view.configuration().voters().equals(replicas)
                        || !view.configuration().learners().isEmpty()))) {
                    return false;
                }
            }
        }
        return true;
    }

    static int indexOf(SimCluster cluster, String endpoint) {
        return IntStream.range(0, cluster.size()).filter(n -> cluster.endpoint(n).equals(endpoint)).findFirst()
                .orElseThrow();
    }

    static Set<String> endpoints(SimCluster cluster, List<Integer> nodes) {
        return nodes.stream().map(cluster::endpoint).collect(Collectors.toSet());
    }
}
