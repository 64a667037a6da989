package io.kommander.cluster;

import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follower that is down but still in a partition's configuration, and needs that partition's snapshot, must not
 * take the node's whole snapshot budget from a live learner that needs it too (simulator seed 3582: a replaced node
 * still a voter of a partition, and a joining node never caught up there, so it was never promoted). The leader
 * sends an unanswered chunk again at a falling rate, so the budget goes to the followers that answer.
 */
class SnapshotToADownFollowerTest {

    private static final int PARTITION = 1;
    private static final int SPARE = 3;
    /** A budget below what resending one 4 KiB chunk every two heartbeats (100 ms each) takes: 20,480 B/s. */
    private static final long BYTES_PER_SECOND = 10_000;

    @Test
    void aJoiningNodeCatchesUpWhileTheLeaderStillSendsASnapshotToADownFollower() {
        SimCluster cluster = cluster().start();
        CompletableFuture<Void> joined = joinWhileAFollowerIsDown(cluster);
        cluster.await(joined);
        int leader = cluster.awaitLeader(PARTITION);
        cluster.runUntil("the joined node's partition " + PARTITION + " caught up with its leader's commit",
                () -> cluster.view(SPARE, PARTITION).commitIndex() == cluster.view(leader, PARTITION).commitIndex());
        assertThat(cluster.compactedUpTo(leader, PARTITION).index()).as("what only a snapshot could bring it")
                .isPositive();
    }

    /** The negative control: resending every two heartbeats, the down follower starves the joining node for good. */
    @Test
    void resendingAtFullRateStarvesTheJoiningNode() {
        SimCluster cluster = cluster().plant(PartitionSeams.Bug.SNAPSHOT_RESENT_WITHOUT_BACKOFF).start();
        CompletableFuture<Void> joined = joinWhileAFollowerIsDown(cluster);
        cluster.runFor(SimCluster.WAIT);
        assertThat(joined).as("the join, a whole wait later").isNotDone();
        assertThat(cluster.view(SPARE, PARTITION).commitIndex()).as("the joining node's partition %d", PARTITION)
                .isZero();
    }

    private static SimClusterBuilder cluster() {
        return SimCluster.builder(4, 1).spares(1).snapshots().tuning(b -> b.snapshotBytesPerSecond(BYTES_PER_SECOND)
                .snapshotChunkBytes(4096).snapshotRetentionEntries(4).compactionIntervalMillis(200));
    }

    /**
     * Crashes the one follower of partition {@value #PARTITION} that leads nothing, writes until the partition's
     * snapshot takes several chunks and its log is compacted past the down follower, then starts the spare.
     */
    private static CompletableFuture<Void> joinWhileAFollowerIsDown(SimCluster cluster) {
        int leader = cluster.awaitLeader(PARTITION);
        int systemLeader = cluster.awaitSystemLeader();
        int down = IntStream.range(0, 3).filter(n -> n != leader && n != systemLeader).findFirst().orElseThrow();
        long heldByDown = cluster.view(down, PARTITION).commitIndex();
        cluster.crash(down);
        cluster.writeSequentially(PARTITION, "x".repeat(200) + "-", 100);
        // Past what the down follower held, not past a fixed index: with the planted bug the leader keeps the first
        // snapshot it sends the down follower, and compacts no further.
        cluster.runUntil("partition " + PARTITION + " compacted past the down follower",
                () -> cluster.compactedUpTo(leader, PARTITION).index() > heldByDown);
        return cluster.join(SPARE);
    }
}
