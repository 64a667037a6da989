package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A merge whose adjacent partition's fence comes late, while the survivor's replicas move: the survivor's leader
 * holds no seed, and the adjacent's voters differ from the survivor's until the survivor's newcomer caught up by
 * snapshot. The survivor's leader waits for the co-location rather than handing its leadership round, so the
 * snapshot transfer ends, the voters meet, and the merge finishes.
 *
 * <p>How the window is opened on purpose: five nodes of R = 3; partition 1 split into two halves on the same
 * replicas (the survivor, with a state that takes about 20 s to send, and the adjacent, nearly empty); a member
 * holding both is removed, so each moves a replica to another node, where the adjacent's messages are lost until the
 * merge begins. The merge begins while both still show the same voters, and from that moment partition 0's messages
 * to the adjacent's leader are lost, so it does not fence. Once the adjacent's newcomer caught up and was promoted
 * (the voters now differ), partition 0 reaches the adjacent's leader again. Writes to the survivor go on meanwhile,
 * so each of its replicas holds a snapshot of its own index, and a new leader's transfer starts from the beginning.
 */
class MergeSurvivorWaitsTest {

    private static final int NODES = 5;
    private static final int SURVIVOR = 1;
    /** About a second per kilobyte: the survivor's snapshot takes about 20 s, a hand-over retry 500 ms. */
    private static final long BYTES_PER_SECOND = 1_000;

    @Test
    void aSurvivorWhoseAdjacentFencesLateWaitsForTheCoLocationAndTheMergeFinishes() {
        Window window = openWindow(cluster().start());
        writeUntilMerged(window);
        PartitionChangeResult result = window.cluster().await(window.merge());
        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        assertThat(result.partitionId()).isEqualTo(SURVIVOR);
    }

    /** The negative control: a survivor's leader that hands over meanwhile restarts its newcomer's snapshot for ever. */
    @Test
    void aSurvivorHandingOverBeforeTheCoLocationNeverFinishesTheMerge() {
        Window window = openWindow(cluster().plant(PartitionSeams.Bug.SURVIVOR_HANDS_OVER_EARLY).start());
        writeUntilMerged(window);
        assertThat(window.merge()).as("the merge, a whole wait of writes later").isNotDone();
    }

    private record Window(SimCluster cluster, CompletableFuture<PartitionChangeResult> merge) {
    }

    /**
     * Writes to the survivor, one write after the other, until the merge finished or for a whole wait: each leader
     * of the survivor then sends its newcomer a snapshot of its own.
     */
    private static void writeUntilMerged(Window window) {
        SimCluster cluster = window.cluster();
        long until = cluster.now() + SimCluster.WAIT.toMillis();
        for (int i = 0; !window.merge().isDone() && cluster.now() < until; i++) {
            cluster.write(SURVIVOR, "w" + i);
        }
    }

    private static SimClusterBuilder cluster() {
        return SimCluster.builder(NODES, 5).snapshots().tuning(b -> b.replicationFactor(3)
                .snapshotBytesPerSecond(BYTES_PER_SECOND).snapshotChunkBytes(1024).snapshotRetentionEntries(4)
                .compactionIntervalMillis(200));
    }

    /**
     * Splits partition 1, grows the survivor's state, removes a member holding both halves, begins their merge and
     * holds the adjacent's fence until the two partitions' voters differ (see the class comment); returns the merge.
     */
    private static Window openWindow(SimCluster cluster) {
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        PartitionDescriptor source = cluster.node(0).getPartitionMap().partition(SURVIVOR).orElseThrow();
        long boundary = source.range().first() + ((source.range().last() - source.range().first()) >>> 1) + 1;
        int adjacent = cluster.await(cluster.node(0).splitPartition(SURVIVOR, boundary)).partitionId();
        ReplicaPlacementClusterTest.awaitSettled(cluster, NODES);
        int survivorLeader = cluster.awaitLeader(SURVIVOR);
        cluster.writeSequentially(SURVIVOR, "x".repeat(200) + "-", 100);
        cluster.runUntil("the survivor compacted", () -> cluster.compactedUpTo(survivorLeader, SURVIVOR).index() > 10);

        PartitionMap map = cluster.node(0).getPartitionMap();
        List<String> replicas = map.partition(SURVIVOR).orElseThrow().replicas();
        assertThat(map.partition(adjacent).orElseThrow().replicas()).as("the split's halves' replicas")
                .containsExactlyInAnyOrderElementsOf(replicas);
        int systemLeader = cluster.awaitSystemLeader();
        List<Integer> holders = replicas.stream().map(e -> ReplicaPlacementClusterTest.indexOf(cluster, e))
                .filter(n -> n != systemLeader).toList();
        int adjacentLeader = holders.get(0);
        int leaver = holders.get(1);
        if (cluster.awaitLeader(adjacent) != adjacentLeader) {
            assertThat(cluster.await(cluster.node(adjacentLeader).transferLeadership(adjacent,
                    cluster.endpoint(adjacentLeader)))).isEqualTo(RaftOperationStatus.Success);
        }
        List<Integer> others = IntStream.range(0, NODES).filter(n -> !replicas.contains(cluster.endpoint(n)))
                .boxed().toList();
        others.forEach(n -> cluster.mute(n, adjacent));

        cluster.node(systemLeader).removeMember(cluster.endpoint(leaver));
        cluster.runUntil("both halves' newcomers are learners", () -> learners(cluster, SURVIVOR) > 0
                && learners(cluster, adjacent) > 0);
        // Writes meanwhile: the leader sending the snapshot keeps it, its followers compact past it.
        for (long until = cluster.now() + 2_000, i = 0; cluster.now() < until; i++) {
            cluster.write(SURVIVOR, "before-merge-" + i);
        }
        CompletableFuture<PartitionChangeResult> merge = cluster.node(systemLeader).mergePartitions(SURVIVOR,
                adjacent);
        cluster.runUntil("partition 0's leader began the merge", () -> cluster.node(systemLeader).getPartitionMap()
                .mergeSurvivor(adjacent).isPresent());
        cluster.heal();
        cluster.mute(adjacentLeader, 0);
        assertThat(cluster.node(adjacentLeader).getPartitionMap().mergeSurvivor(adjacent))
                .as("the merge, as the adjacent's leader knows the map").isEmpty();
        cluster.runUntil("the adjacent's voters differ from the survivor's", () -> !voters(cluster, adjacent)
                .equals(voters(cluster, SURVIVOR)));
        assertThat(learners(cluster, SURVIVOR)).as("the survivor's newcomers still catching up").isPositive();
        cluster.heal();
        return new Window(cluster, merge);
    }

    private static int learners(SimCluster cluster, int partition) {
        int leader = cluster.leaderOf(partition);
        return leader < 0 ? 0 : cluster.view(leader, partition).configuration().learners().size();
    }

    private static Set<String> voters(SimCluster cluster, int partition) {
        int leader = cluster.leaderOf(partition);
        return leader < 0 ? Set.of() : Set.copyOf(cluster.view(leader, partition).configuration().voters());
    }
}
