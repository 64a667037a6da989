package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splits and merges on the deterministic simulator with more nodes than the replication factor (5 or 6 nodes, R = 3),
 * under keyed writes routed by a node's map: a split's new half opens and ends on exactly its source's replicas, a merge of
 * partitions on different replicas first places the adjacent partition on the survivor's (while it keeps serving),
 * and every acknowledged write ends exactly once in the partition that owns its key, on every replica of it.
 */
class PlacedSplitMergeTest {

    private static final int NODES = 5;

    @Test
    void aSplitsNewHalfOpensAndEndsOnExactlyItsSourcesReplicas() {
        // Five partitions on five nodes are three replicas each: after the split, the new half's three make 4,4,4,3,3,
        // which is even, so the balancer leaves it where the split put it.
        SimCluster cluster = placed(NODES, 5).start();
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        int source = 1;
        PartitionDescriptor before = cluster.node(0).getPartitionMap().partition(source).orElseThrow();
        List<String> keys = KeyedWriter.keysIn(before.range(), 24);
        long boundary = keys.stream().map(PartitionMap::hash).sorted(Long::compareUnsigned).toList().get(12);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(0);
        }

        CompletableFuture<PartitionChangeResult> split = cluster.node(caller(cluster)).splitPartition(source,
                boundary);
        // While the split runs, the new half is open where the source's state is, on the source's replicas only.
        Set<String> openWhileSplitting = new java.util.TreeSet<>();
        while (!split.isDone()) {
            writer.writeOne(0);
            cluster.node(0).getPartitionMap().splitTarget(source).ifPresent(half -> IntStream.range(0, NODES)
                    .filter(n -> cluster.view(n, half.id()) != null)
                    .forEach(n -> openWhileSplitting.add(cluster.endpoint(n))));
        }
        assertThat(openWhileSplitting).as("the nodes with the new half open while the split ran").isNotEmpty()
                .isSubsetOf(before.replicas());
        PartitionChangeResult result = cluster.await(split);
        for (int i = 0; i < 30; i++) {
            writer.writeOne(0);
        }

        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        int target = result.partitionId();
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        PartitionMap map = cluster.node(0).getPartitionMap();
        assertThat(Set.copyOf(map.partition(target).orElseThrow().replicas()))
                .isEqualTo(Set.copyOf(before.replicas()));
        assertThat(Set.copyOf(map.partition(source).orElseThrow().replicas()))
                .isEqualTo(Set.copyOf(before.replicas()));
        assertHostedOnlyByItsReplicas(cluster, NODES, map.partition(target).orElseThrow());
        assertEveryAcknowledgedWriteOnceWhereItsKeyIsOwned(cluster, writer, map);
    }

    @Test
    void aMergeOfPartitionsOnDifferentReplicasPlacesThemTogetherFirstAndLosesNothing() {
        SimCluster cluster = placed(NODES, 4).start();
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        PartitionMap before = cluster.node(0).getPartitionMap();
        int survivor = IntStream.rangeClosed(1, 3).filter(p -> !Set.copyOf(replicas(before, p))
                .equals(Set.copyOf(replicas(before, p + 1)))).findFirst().orElseThrow();

        mergeUnderWrites(cluster, NODES, survivor);
    }

    /**
     * Six nodes hold two partitions on disjoint replicas: no replica of the survivor hosts the adjacent partition, so
     * without co-location none could ever hold its seed (the merge stayed under way for good, its range refusing
     * writes).
     */
    @Test
    void aMergeOfPartitionsOnDisjointReplicasFinishes() {
        SimCluster cluster = placed(6, 4).start();
        ReplicaPlacementClusterTest.awaitSettled(cluster, 6);
        PartitionMap before = cluster.node(0).getPartitionMap();
        int survivor = IntStream.rangeClosed(1, 3).filter(p -> java.util.Collections.disjoint(replicas(before, p),
                replicas(before, p + 1))).findFirst().orElseThrow();

        mergeUnderWrites(cluster, 6, survivor);
    }

    // ------------------------------------------------------------------ helpers

    private static SimClusterBuilder placed(int nodes, int partitions) {
        return SimCluster.builder(nodes, partitions).snapshots().tuning(b -> b.replicationFactor(3));
    }

    /**
     * Merges {@code survivor + 1} into {@code survivor} under keyed writes of both: the adjacent partition is placed on
     * the survivor's replicas first and takes writes while its replicas move; then the merge finishes with the
     * survivor on its three replicas, the adjacent's data gone from every node that held it, and every acknowledged
     * write once in the survivor.
     */
    private static void mergeUnderWrites(SimCluster cluster, int nodes, int survivor) {
        int adjacent = survivor + 1;
        PartitionMap before = cluster.node(0).getPartitionMap();
        List<PartitionMap> merging = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            cluster.node(n).onPartitionMapChanged(map -> map.mergeAdjacent(survivor).ifPresent(a -> merging.add(map)));
        }
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keysOfBoth(before, survivor, adjacent));
        for (int i = 0; i < 24; i++) {
            writer.writeOne(0);
        }

        CompletableFuture<PartitionChangeResult> merge = cluster.node(caller(cluster)).mergePartitions(survivor,
                adjacent);
        long deadline = cluster.now() + SimCluster.WAIT.toMillis();
        while (!Set.copyOf(replicas(cluster.node(0).getPartitionMap(), adjacent))
                .equals(Set.copyOf(replicas(before, survivor)))) {
            assertThat(cluster.now()).as("the adjacent partition placed on the survivor's replicas")
                    .isLessThan(deadline);
            writer.writeOne(0);
        }
        int acknowledgedWhenPlaced = writer.acknowledged.size();
        writer.writeUntil(merge, 0);
        PartitionChangeResult result = cluster.await(merge);
        for (int i = 0; i < 24; i++) {
            writer.writeOne(0);
        }

        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(merging).as("maps with the merge under way, on every node").isNotEmpty().allSatisfy(map ->
                assertThat(Set.copyOf(replicas(map, adjacent))).as("the adjacent's replicas while merging")
                        .isEqualTo(Set.copyOf(replicas(map, survivor))));
        assertThat(writer.acknowledged.subList(acknowledgedWhenPlaced, writer.acknowledged.size()))
                .as("writes while the adjacent partition's replicas moved").extracting(SimKeyedWriter.Ack::partition)
                .contains(adjacent);
        ReplicaPlacementClusterTest.awaitSettled(cluster, nodes);
        PartitionMap map = cluster.node(0).getPartitionMap();
        PartitionDescriptor merged = map.partition(survivor).orElseThrow();
        assertThat(merged.range()).isEqualTo(new PartitionRange(before.partition(survivor).orElseThrow().range()
                .first(), before.partition(adjacent).orElseThrow().range().last()));
        assertThat(merged.replicas()).hasSize(3);
        assertThat(map.partition(adjacent).orElseThrow().state()).isEqualTo(PartitionState.REMOVED);
        assertHostedOnlyByItsReplicas(cluster, nodes, merged);
        Set<String> heldAdjacent = new java.util.TreeSet<>(replicas(before, adjacent));
        heldAdjacent.addAll(replicas(before, survivor));
        for (String endpoint : heldAdjacent) {
            int n = ReplicaPlacementClusterTest.indexOf(cluster, endpoint);
            cluster.runUntil("node " + n + " deleted the adjacent partition's data",
                    () -> !cluster.storedPartitions(n).contains(adjacent) && cluster.view(n, adjacent) == null);
        }
        assertEveryAcknowledgedWriteOnceWhereItsKeyIsOwned(cluster, writer, map);
    }

    /** A node that does not lead partition 0, so that the call travels to its leader. */
    private static int caller(SimCluster cluster) {
        return cluster.others(cluster.awaitSystemLeader()).get(0);
    }

    static List<String> replicas(PartitionMap map, int partition) {
        return map.partition(partition).orElseThrow().replicas();
    }

    /** Only the partition's replicas have it open or hold its data. */
    static void assertHostedOnlyByItsReplicas(SimCluster cluster, int nodes, PartitionDescriptor partition) {
        for (int n = 0; n < nodes; n++) {
            int node = n;
            boolean replica = partition.replicas().contains(cluster.endpoint(n));
            cluster.runUntil("node " + n + " hosts partition " + partition.id() + " only if a replica", () ->
                    (cluster.view(node, partition.id()) != null) == replica
                            && cluster.storedPartitions(node).contains(partition.id()) == replica);
        }
    }

    /**
     * On every replica of the partitions that own the writer's keys now, each acknowledged write is held exactly once,
     * in the partition that owns its key, and nothing is held by a partition that does not own its key.
     */
    static void assertEveryAcknowledgedWriteOnceWhereItsKeyIsOwned(SimCluster cluster, SimKeyedWriter writer,
                                                                   PartitionMap map) {
        List<PartitionDescriptor> owners = writer.acknowledged.stream()
                .map(a -> map.ownerOfKey(a.key()).orElseThrow()).distinct().toList();
        for (PartitionDescriptor owner : owners) {
            List<SimKeyedWriter.Ack> owned = writer.acknowledged.stream()
                    .filter(a -> map.ownerOfKey(a.key()).orElseThrow().id() == owner.id()).toList();
            for (String replica : owner.replicas()) {
                int n = ReplicaPlacementClusterTest.indexOf(cluster, replica);
                cluster.runUntil("node " + n + " holds every acknowledged write of partition " + owner.id(),
                        () -> owned.stream().allMatch(a -> cluster.keyed(n, owner.id()).contains(a.payload())));
                List<String> held = new ArrayList<>(cluster.keyed(n, owner.id()).stream()
                        .filter(t -> t.contains("#")).toList());
                assertThat(held).as("node %d, partition %d", n, owner.id()).doesNotHaveDuplicates();
                for (String payload : held) {
                    String key = payload.substring(0, payload.indexOf('#'));
                    assertThat(map.ownerOfKey(key).orElseThrow().id()).as("owner of %s on node %d", payload, n)
                            .isEqualTo(owner.id());
                }
            }
        }
    }

    /** Twelve keys of each partition, alternating. */
    static List<String> keysOfBoth(PartitionMap map, int survivor, int adjacent) {
        List<String> lower = KeyedWriter.keysIn(map.partition(survivor).orElseThrow().range(), 12);
        List<String> upper = KeyedWriter.keysIn(map.partition(adjacent).orElseThrow().range(), 12);
        return IntStream.range(0, 12).boxed().flatMap(i -> Stream.of(lower.get(i), upper.get(i))).toList();
    }
}
