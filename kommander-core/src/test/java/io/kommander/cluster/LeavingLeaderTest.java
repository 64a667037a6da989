package io.kommander.cluster;

import io.kommander.Member;
import io.kommander.PartitionMap;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A leaving node that leads a placed partition hands it over, whatever its own map still says: here its partition
 * 0 is cut off the moment it learns that it leaves, so it never applies the map change that moves its replica away
 * (as a node partition 0 takes out first never does), and only another member's leader can make that move.
 */
class LeavingLeaderTest {

    private static final int NODES = 5;
    private static final int PARTITION = 1;

    @Test
    void aLeavingLeaderCutOffFromPartitionZeroHandsItsPartitionsOverAndLeaves() {
        SimCluster cluster = placed().start();
        Leave leave = leaveWhileCutOff(cluster);
        assertThat(cluster.await(leave.removed())).isEqualTo(RaftOperationStatus.Success);
        List<Integer> stay = IntStream.range(0, NODES).filter(n -> n != leave.node()).boxed().toList();
        cluster.runUntil("placement settled on the four that stay",
                () -> ReplicaPlacementClusterTest.settledOn(cluster, stay));
    }

    /** The negative control: a leaving leader that keeps the partitions its stale map puts on it never leaves. */
    @Test
    void aLeavingLeaderKeepingItsPartitionsNeverLeaves() {
        SimCluster cluster = placed().plant(PartitionSeams.Bug.LEADER_STAYS_WHILE_LEAVING).start();
        Leave leave = leaveWhileCutOff(cluster);
        cluster.runFor(SimCluster.WAIT);
        assertThat(leave.removed()).as("the removal, a whole wait later").isNotDone();
        assertThat(cluster.leaderOf(PARTITION)).as("partition %d's leader", PARTITION).isEqualTo(leave.node());
    }

    private record Leave(int node, CompletableFuture<RaftOperationStatus> removed) {
    }

    private static SimClusterBuilder placed() {
        return SimCluster.builder(NODES, 4).snapshots().tuning(b -> b.replicationFactor(3));
    }

    /**
     * Removes the preferred leader of partition {@value #PARTITION} (not partition 0's leader), cutting its partition
     * 0 off as soon as its own roster shows it leaving.
     */
    private static Leave leaveWhileCutOff(SimCluster cluster) {
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        int leaving = cluster.awaitPreferredLeader(PARTITION);
        int systemLeader = cluster.awaitSystemLeader();
        assertThat(leaving).as("a partition led by partition 0's leader: pick another").isNotEqualTo(systemLeader);
        String endpoint = cluster.endpoint(leaving);
        cluster.node(leaving).onMembershipChanged(membership -> {
            if (membership.member(endpoint).map(m -> m.role() == Member.Role.LEAVING).orElse(false)) {
                cluster.mute(leaving, 0);
            }
        });
        PartitionMap before = cluster.node(systemLeader).getPartitionMap();
        assertThat(before.partition(PARTITION).orElseThrow().replicas()).contains(endpoint);
        return new Leave(leaving, cluster.node(systemLeader).removeMember(endpoint));
    }
}
