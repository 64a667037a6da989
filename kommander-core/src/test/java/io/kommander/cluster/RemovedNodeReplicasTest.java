package io.kommander.cluster;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node the roster removed while it could not hear of it, on the deterministic simulator: once it is back, the
 * members' removal notice stops it, and its replicas, each holding a configuration that still counts it, ask the
 * partitions' members (which answer a removed node too), learn that a committed configuration no longer holds it,
 * and its node closes them and deletes their data. Partition 0's replica, with the node's record of its removal,
 * stays; the partitions keep their data on the members.
 */
class RemovedNodeReplicasTest {

    private static final int PARTITIONS = 4;
    /** The node removed while it cannot hear of it. */
    private static final int REMOVED = 3;
    /** The partition the map removes while {@link #REMOVED} is down. */
    private static final int GONE = 4;

    @Test
    void aNodeRemovedWhileCutOffDeletesItsReplicasDataOnceBack() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).start();
        Map<Integer, List<String>> written = writeToEveryPartition(cluster, "before-");
        cluster.isolate(REMOVED);
        removeTheNode(cluster);
        for (int p = 1; p <= PARTITIONS; p++) {
            assertThat(cluster.view(REMOVED, p).configuration().contains(cluster.endpoint(REMOVED)))
                    .as("the removed node's replica of %d never learnt it was taken out", p).isTrue();
        }

        cluster.heal();
        awaitUserDataDeleted(cluster);

        assertThat(cluster.storedPartitions(REMOVED)).containsExactly(0);
        RaftReplicationResult refused = cluster.await(cluster.node(REMOVED).replicateLogs(1, "t", new byte[] {1}));
        assertThat(refused.status()).isEqualTo(RaftOperationStatus.NotAMember);
        assertMembersKeepTheirData(cluster, written);
    }

    @Test
    void aNodeRemovedWhileDownDeletesItsReplicasDataOnceRestarted() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).start();
        Map<Integer, List<String>> written = writeToEveryPartition(cluster, "before-");
        cluster.crash(REMOVED);
        removeTheNode(cluster);
        assertThat(cluster.storedPartitions(REMOVED)).contains(1, 2, 3, 4);

        cluster.launchAgain(REMOVED); // its join waits: it is no member any more
        awaitUserDataDeleted(cluster);

        assertThat(cluster.storedPartitions(REMOVED)).containsExactly(0);
        assertMembersKeepTheirData(cluster, written);
    }

    /**
     * A partition the map removes while the removed node is down has no replica left to answer that node's query
     * about it; the members answer from their map instead (the partition is gone, so its data is needed nowhere), and
     * the removed node deletes it too (seed 1986 of the simulator's nodes mix kept it for ever without that answer).
     */
    @Test
    void aNodeRemovedWhileDownDeletesTheDataOfAPartitionTheMapRemovedMeanwhile() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).start();
        writeToEveryPartition(cluster, "before-");
        cluster.crash(REMOVED);
        removeTheNode(cluster);
        int system = cluster.awaitSystemLeader();
        assertThat(cluster.await(cluster.node(system).removePartition(GONE)).status())
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("every member closed the removed partition",
                () -> cluster.others(REMOVED).stream().allMatch(n -> cluster.view(n, GONE) == null
                        && !cluster.storedPartitions(n).contains(GONE)));
        assertThat(cluster.storedPartitions(REMOVED)).contains(GONE);

        cluster.launchAgain(REMOVED); // its stale map still holds the partition: it opens it and asks about it
        awaitUserDataDeleted(cluster);

        assertThat(cluster.storedPartitions(REMOVED)).containsExactly(0);
    }

    private static Map<Integer, List<String>> writeToEveryPartition(SimCluster cluster, String prefix) {
        Map<Integer, List<String>> written = new HashMap<>();
        for (int p = 1; p <= PARTITIONS; p++) {
            written.put(p, cluster.writeSequentially(p, prefix + p + "-", 3));
        }
        return written;
    }

    private static void awaitUserDataDeleted(SimCluster cluster) {
        cluster.runUntil("the removed node closed its replicas and deleted their data", () -> {
            Set<Integer> stored = cluster.storedPartitions(REMOVED);
            for (int p = 1; p <= PARTITIONS; p++) {
                if (stored.contains(p) || cluster.view(REMOVED, p) != null) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Every member still holds what was written before, and takes more. */
    private static void assertMembersKeepTheirData(SimCluster cluster, Map<Integer, List<String>> written) {
        for (int p = 1; p <= PARTITIONS; p++) {
            List<String> expected = new java.util.ArrayList<>(written.get(p));
            expected.addAll(cluster.writeSequentially(p, "after-" + p + "-", 2));
            for (int member : cluster.others(REMOVED)) {
                assertThat(cluster.awaitHistory(member, p, expected.size())).as("partition %d on n%d", p, member)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    /** Node 0 takes {@link #REMOVED} out of the roster (which the removed node itself may not hear of). */
    private static void removeTheNode(SimCluster cluster) {
        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(REMOVED))))
                .isEqualTo(RaftOperationStatus.Success);
    }
}
