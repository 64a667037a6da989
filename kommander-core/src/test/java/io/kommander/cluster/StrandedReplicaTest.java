package io.kommander.cluster;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica taken out of its partition while its node was cut off, on the deterministic simulator: the node never
 * receives the configuration entry that took it out, so its replica keeps a configuration that holds it. Once the
 * node is back, the replica asks the partition's members, learns that a committed configuration no longer holds it,
 * and its node closes it and deletes its data; the partition keeps its data on the replicas the map places it on.
 */
class StrandedReplicaTest {

    private static final int PARTITIONS = 8;
    /** The node cut off while replicas move away from it. */
    private static final int CUT_OFF = 3;
    /** The node that joins meanwhile, whose share of replicas comes from every other node. */
    private static final int NEWCOMER = 4;

    @Test
    void aReplicaTakenOutWhileCutOffIsClosedAndItsDataDeletedOnceBack() {
        // Four nodes of R = 3 host six of the eight partitions each; a fifth takes four or five of them, at least one
        // from every node, the cut-off one included.
        SimCluster cluster = SimCluster.builder(5, PARTITIONS).spares(1)
                .tuning(b -> b.replicationFactor(3)).start();
        ReplicaPlacementClusterTest.awaitSettled(cluster, 4);
        Map<Integer, List<String>> written = new HashMap<>();
        for (int p = 1; p <= PARTITIONS; p++) {
            written.put(p, cluster.writeSequentially(p, "before-" + p + "-", 3));
        }
        String cutOff = cluster.endpoint(CUT_OFF);
        Set<Integer> hostedBefore = hostedBy(cluster.node(0).getPartitionMap(), cutOff);

        cluster.isolate(CUT_OFF);
        CompletableFuture<Void> joined = cluster.join(NEWCOMER);
        cluster.runUntil("the newcomer joined and the moves away from the cut-off node are done",
                () -> joined.isDone() && movedAwayAndTakenOut(cluster, hostedBefore, cutOff).size()
                        == hostedBefore.size() - hostedBy(cluster.node(0).getPartitionMap(), cutOff).size()
                        && !movedAwayAndTakenOut(cluster, hostedBefore, cutOff).isEmpty());
        Set<Integer> moved = movedAwayAndTakenOut(cluster, hostedBefore, cutOff);
        for (int p : moved) {
            ReplicaView stale = cluster.view(CUT_OFF, p);
            assertThat(stale).as("the cut-off node's replica of %d, still open", p).isNotNull();
            assertThat(stale.configuration().contains(cutOff))
                    .as("the cut-off node's replica of %d never learnt it was taken out", p).isTrue();
        }

        cluster.heal();
        cluster.runUntil("the cut-off node closed its moved replicas and deleted their data",
                () -> moved.stream().allMatch(p -> cluster.view(CUT_OFF, p) == null
                        && !cluster.storedPartitions(CUT_OFF).contains(p)));

        PartitionMap map = cluster.node(0).getPartitionMap();
        for (int p : moved) {
            List<String> more = cluster.writeSequentially(p, "after-" + p + "-", 2);
            List<String> expected = new java.util.ArrayList<>(written.get(p));
            expected.addAll(more);
            for (String replica : map.partition(p).orElseThrow().replicas()) {
                assertThat(cluster.awaitHistory(ReplicaPlacementClusterTest.indexOf(cluster, replica), p,
                        expected.size())).as("partition %d on %s", p, replica).containsExactlyElementsOf(expected);
            }
        }
        for (int p : hostedBy(map, cutOff)) {
            assertThat(cluster.view(CUT_OFF, p)).as("the cut-off node keeps its replica of %d", p).isNotNull();
        }
    }

    private static Set<Integer> hostedBy(PartitionMap map, String endpoint) {
        return map.partitions().stream().filter(p -> p.replicas().contains(endpoint)).map(PartitionDescriptor::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The partitions the cut-off node hosted whose map (as node 0 applied it) no longer places them on it and whose
     * leader shows a committed configuration without it.
     */
    private static Set<Integer> movedAwayAndTakenOut(SimCluster cluster, Set<Integer> hostedBefore, String cutOff) {
        PartitionMap map = cluster.node(0).getPartitionMap();
        Set<Integer> moved = new TreeSet<>();
        for (int p : hostedBefore) {
            if (map.partition(p).orElseThrow().replicas().contains(cutOff)) {
                continue;
            }
            for (int n = 0; n < 5; n++) {
                ReplicaView view = n == CUT_OFF ? null : cluster.view(n, p);
                if (view != null && view.leader() && view.configurationChangesInFlight() == 0
                        && !view.configuration().contains(cutOff)) {
                    moved.add(p);
                }
            }
        }
        return moved;
    }
}
