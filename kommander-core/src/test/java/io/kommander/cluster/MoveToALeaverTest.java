package io.kommander.cluster;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fifth node joins four, the balancer places partitions on it, and it crashes for good and is removed while those
 * moves run: each move ends once the node is no longer a voter, the partitions are placed on the four voters, and the
 * removal completes. With the moves held until the node's learners catch up (as before simulator seed 24708), they
 * never do, the map keeps placing partitions on the node, and the removal never ends: this scenario is that planted
 * bug's negative control (seed 24708 no longer reaches it since partition 0 keeps a leaving member until every other
 * partition let it go: most likely its member now learns the map that places replicas on it).
 */
class MoveToALeaverTest {

    private static final int PARTITIONS = 8;
    private static final int JOINING = 4;

    private static SimClusterBuilder placedOnFourWithASpare() {
        return SimCluster.builder(JOINING + 1, PARTITIONS).spares(1).snapshots().tuning(b -> b.replicationFactor(3));
    }

    @Test
    void aMoveToANodeRemovedWhileItRunsEndsAndTheRemovalCompletes() {
        SimCluster cluster = placedOnFourWithASpare().start();

        CompletableFuture<RaftOperationStatus> removed = removeWhileAMoveToItRuns(cluster);

        cluster.runUntil("removal answered", removed::isDone);
        assertThat(removed.join()).isEqualTo(RaftOperationStatus.Success);
        assertThat(cluster.node(0).getPartitionMap().partitions())
                .allMatch(p -> !p.replicas().contains(cluster.endpoint(JOINING)));
    }

    @Test
    void aMoveHeldForANodeThatLeavesHoldsItsRemovalForEver() {
        SimCluster cluster = placedOnFourWithASpare().plant(PartitionSeams.Bug.BALANCER_HOLDS_MOVES_TO_LEAVERS)
                .start();

        CompletableFuture<RaftOperationStatus> removed = removeWhileAMoveToItRuns(cluster);

        cluster.runFor(SimCluster.WAIT);
        assertThat(removed).as("the removal of a node a held move still places a partition on").isNotDone();
    }

    /**
     * Joins the spare node; as soon as the balancer places a partition on it (the move begins), crashes it and keeps it
     * down, so that its replica never catches up, and asks for its removal.
     */
    private static CompletableFuture<RaftOperationStatus> removeWhileAMoveToItRuns(SimCluster cluster) {
        CompletableFuture<Void> joined = cluster.join(JOINING);
        cluster.runUntil("the spare node joined", joined::isDone);
        cluster.runUntil("a partition placed on the joined node", () -> placedOnJoined(cluster));
        cluster.crash(JOINING);
        return cluster.node(0).removeMember(cluster.endpoint(JOINING));
    }

    /**
     * Whether the map partition 0's leader applied places a user partition on the joined node and keeps one on that
     * leader: the leader's replica then shows the move (the balancer, which runs there, watches it).
     */
    private static boolean placedOnJoined(SimCluster cluster) {
        String joined = cluster.endpoint(JOINING);
        return IntStream.range(0, JOINING).filter(n -> {
            ReplicaView system = cluster.view(n, 0);
            return system != null && system.leader();
        }).anyMatch(leader -> cluster.node(leader).getPartitionMap().partitions().stream()
                .anyMatch(p -> p.replicas().contains(joined) && p.replicas().contains(cluster.endpoint(leader))));
    }
}
