package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
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
        SimCluster cluster = placed(5, PARTITIONS).start();

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
        SimCluster cluster = placed(5, PARTITIONS).start();
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
        SimCluster cluster = placed(5, PARTITIONS).start();
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

    /**
     * Steps that bring no replica in go many per pass: four nodes of R = 3 that start with every partition on every
     * member shrink 64 partitions to three replicas each within a few reconciler passes (one at a time, it took 64
     * passes), and the partitions' leaders take the fourth member out of each configuration.
     */
    @Test
    void fourNodesShrinkSixtyFourPartitionsToThreeReplicasWithinAFewPasses() {
        int partitions = 64;
        SimCluster cluster = placed(4, partitions).start();
        cluster.awaitSystemLeader();
        long passMillis = 150; // the reconciler's interval: the election timeout's lower bound in SimCluster

        cluster.runUntil("every partition placed on three members", () -> cluster.node(0).getPartitionMap()
                .partitions().stream().allMatch(p -> p.replicas().size() == 3), Duration.ofMillis(10 * passMillis));
        awaitSettled(cluster, 4);

        assertThat(cluster.node(0).getPartitionMap().partitions()).hasSize(partitions);
    }

    @Test
    void threeNodesKeepEveryPartitionEverywhereAndPlaceOnlyTheirLeaders() {
        SimCluster cluster = placed(3, PARTITIONS).start();
        cluster.awaitLeader(1);
        cluster.writeSequentially(1, "w-", 3);
        cluster.runUntil("every partition has a preferred leader", () -> cluster.node(0).getPartitionMap()
                .partitions().stream().noneMatch(p -> p.leaderPreference().isEmpty()));

        PartitionMap map = cluster.node(0).getPartitionMap();
        assertThat(map.version()).as("every preference in one map change").isEqualTo(2);
        assertThat(map.partitions()).allMatch(p -> p.replicas().isEmpty() && p.leaderPreference().size() == 1);
    }

    @Test
    void aNodeJoiningThreeOfReplicationFactorThreeGetsItsShareOfReplicasAndLeadersUnderWrites() {
        int partitions = 8;
        SimCluster cluster = placed(4, partitions).spares(1).start();
        Map<Integer, List<String>> written = new HashMap<>();
        int[] counter = {0};

        CompletableFuture<Void> joined = cluster.join(3);
        writeUntil(cluster, partitions, written, counter, joined::isDone);
        writeUntil(cluster, partitions, written, counter, () -> settled(cluster, 4));
        writeUntil(cluster, partitions, written, counter, () -> leadersEven(cluster, 4, partitions));

        PartitionMap map = cluster.node(0).getPartitionMap();
        for (int n = 0; n < 4; n++) {
            String endpoint = cluster.endpoint(n);
            // 8 partitions x 3 replicas on 4 nodes: 6 each.
            assertThat(map.partitions().stream().filter(p -> p.replicas().contains(endpoint)).count())
                    .as("replicas on node %d", n).isEqualTo(6);
        }
        assertHistories(cluster, map, written);
    }

    @Test
    void aLeavingNodesReplicasMoveToOthersBeforeItGoes() {
        int partitions = 6;
        SimCluster cluster = placed(5, partitions).start();
        awaitSettled(cluster, 5);
        Map<Integer, List<String>> written = new HashMap<>();
        int[] counter = {0};
        int leaving = 4;
        int[] fewestVoters = {Integer.MAX_VALUE};

        CompletableFuture<RaftOperationStatus> removed = cluster.node(0).removeMember(cluster.endpoint(leaving));
        writeUntil(cluster, partitions, written, counter, () -> {
            fewestVoters[0] = Math.min(fewestVoters[0], fewestVoters(cluster, 5, partitions));
            return removed.isDone();
        });

        assertThat(removed.join()).isEqualTo(RaftOperationStatus.Success);
        List<Integer> rest = List.of(0, 1, 2, 3);
        cluster.runUntil("placement settled on the four that stay", () -> settledOn(cluster, rest));
        // Every partition kept its three voters all along: the leaving one went only after its replacement voted.
        assertThat(fewestVoters[0]).isGreaterThanOrEqualTo(3);
        PartitionMap map = cluster.node(0).getPartitionMap();
        assertThat(map.partitions()).allMatch(p -> !p.replicas().contains(cluster.endpoint(leaving)));
        assertHistories(cluster, map, written);
    }

    @Test
    void aRestartedNodeHostsTheSamePartitionsAsBefore() {
        SimCluster cluster = placed(5, PARTITIONS).start();
        awaitSettled(cluster, 5);
        PartitionMap map = cluster.node(0).getPartitionMap();
        int restarted = indexOf(cluster, map.partition(1).orElseThrow().replicas().get(0));
        List<String> before = cluster.writeSequentially(1, "a-", 5);

        cluster.crash(restarted);
        cluster.restart(restarted);
        awaitSettled(cluster, 5);
        List<String> after = cluster.writeSequentially(1, "b-", 5);

        assertThat(cluster.node(restarted).getPartitionMap()).isEqualTo(map);
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(cluster.awaitHistory(restarted, 1, all.size())).containsExactlyElementsOf(all);
    }

    // ------------------------------------------------------------------ helpers

    /** A simulated cluster with the library's default replication factor, 3 (SimCluster's default hosts all). */
    private static SimClusterBuilder placed(int size, int partitions) {
        return SimCluster.builder(size, partitions).tuning(b -> b.replicationFactor(3));
    }

    /** Writes to every partition in turn, each acknowledged, until {@code done}. */
    private static void writeUntil(SimCluster cluster, int partitions, Map<Integer, List<String>> written,
                                   int[] counter, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            int p = 1 + counter[0] % partitions;
            String payload = "w-" + counter[0]++;
            cluster.write(p, payload);
            written.computeIfAbsent(p, k -> new ArrayList<>()).add(payload);
        }
    }

    /** Every acknowledged write, once, in order, on every replica the map names. */
    private static void assertHistories(SimCluster cluster, PartitionMap map, Map<Integer, List<String>> written) {
        for (PartitionDescriptor partition : map.partitions()) {
            List<String> expected = written.getOrDefault(partition.id(), List.of());
            for (String replica : partition.replicas()) {
                int n = indexOf(cluster, replica);
                assertThat(cluster.awaitHistory(n, partition.id(), expected.size()))
                        .as("node %d, partition %d", n, partition.id()).containsExactlyElementsOf(expected);
            }
        }
    }

    /** Whether each node leads within one of its even share of the partitions. */
    private static boolean leadersEven(SimCluster cluster, int size, int partitions) {
        int[] led = new int[size];
        for (int p = 1; p <= partitions; p++) {
            int leader = cluster.leaderOf(p);
            if (leader < 0) {
                return false;
            }
            led[leader]++;
        }
        return IntStream.of(led).allMatch(c -> Math.abs(c * size - partitions) <= size);
    }

    /** The fewest voters any live replica's configuration of a user partition shows now. */
    private static int fewestVoters(SimCluster cluster, int size, int partitions) {
        int fewest = Integer.MAX_VALUE;
        for (int n = 0; n < size; n++) {
            for (int p = 1; p <= partitions; p++) {
                ReplicaView view = cluster.view(n, p);
                if (view != null && view.configuration() != null) {
                    fewest = Math.min(fewest, view.configuration().voters().size());
                }
            }
        }
        return fewest;
    }

    /** {@link #settled} for the nodes {@code members} (others may be gone). */
    static boolean settledOn(SimCluster cluster, List<Integer> members) {
        PartitionMap map = cluster.node(members.get(0)).getPartitionMap();
        for (int n : members) {
            if (!cluster.node(n).getPartitionMap().equals(map)) {
                return false;
            }
        }
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.state() != PartitionState.ACTIVE) {
                continue; // a partition merged away keeps the replicas it had, none of which hosts it any more
            }
            Set<String> replicas = new TreeSet<>(partition.replicas());
            if (replicas.size() != Math.min(3, members.size())) {
                return false;
            }
            for (int n : members) {
                ReplicaView view = cluster.view(n, partition.id());
                boolean replica = replicas.contains(cluster.endpoint(n));
                if (replica != (view != null) || (replica && (view.configuration() == null
                        || !view.configuration().voters().equals(replicas)))) {
                    return false;
                }
            }
        }
        return true;
    }

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
