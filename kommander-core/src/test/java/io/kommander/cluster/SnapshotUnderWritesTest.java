package io.kommander.cluster;

import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A joining node that needs a partition's snapshot, under continuous writes, when the leader would take a snapshot
 * faster than its budget sends one: the leader takes no newer snapshot while a follower that answers receives one, so
 * the transfer ends and the node catches up and joins. (Found with a merge whose survivor moved under writes: its
 * newcomer never caught up, each newer snapshot restarting its transfer from the start.)
 */
class SnapshotUnderWritesTest {

    private static final int PARTITION = 1;
    private static final int SPARE = 3;
    /** About a second per kilobyte: the partition's snapshot takes several seconds, its leader snapshots every 200 ms. */
    private static final long BYTES_PER_SECOND = 1_000;

    @Test
    void aJoiningNodeCatchesUpBySnapshotWhileWritesGoOn() {
        SimCluster cluster = cluster().start();
        CompletableFuture<Void> joined = joinUnderWrites(cluster);
        assertThat(joined).as("the join, under writes").isDone();
        cluster.await(joined);
        int leader = cluster.awaitLeader(PARTITION);
        assertThat(cluster.installedSnapshots(SPARE, PARTITION)).as("what brought the joining node in").isNotEmpty();
        cluster.runUntil("the joined node's partition " + PARTITION + " caught up with its leader's commit",
                () -> cluster.view(SPARE, PARTITION).commitIndex() == cluster.view(leader, PARTITION).commitIndex());
    }

    /** The negative control: a leader that snapshots on while it sends restarts the transfer for ever. */
    @Test
    void aLeaderReplacingTheSnapshotItSendsStarvesTheJoiningNode() {
        SimCluster cluster = cluster().plant(PartitionSeams.Bug.SNAPSHOT_REPLACED_MID_TRANSFER).start();
        CompletableFuture<Void> joined = joinUnderWrites(cluster);
        assertThat(joined).as("the join, a whole wait of writes later").isNotDone();
        assertThat(cluster.installedSnapshots(SPARE, PARTITION)).as("snapshots the joining node installed").isEmpty();
    }

    private static SimClusterBuilder cluster() {
        return SimCluster.builder(4, 1).spares(1).snapshots().tuning(b -> b.snapshotBytesPerSecond(BYTES_PER_SECOND)
                .snapshotChunkBytes(1024).snapshotRetentionEntries(4).compactionIntervalMillis(200));
    }

    /**
     * Writes until partition {@value #PARTITION}'s snapshot takes several chunks, then starts the spare and writes on
     * until it joined, or for a whole wait.
     */
    private static CompletableFuture<Void> joinUnderWrites(SimCluster cluster) {
        int leader = cluster.awaitLeader(PARTITION);
        cluster.writeSequentially(PARTITION, "x".repeat(200) + "-", 100);
        cluster.runUntil("partition " + PARTITION + " compacted", () -> cluster.compactedUpTo(leader, PARTITION)
                .index() > 10);
        CompletableFuture<Void> joined = cluster.join(SPARE);
        long until = cluster.now() + SimCluster.WAIT.toMillis();
        for (int i = 0; !joined.isDone() && cluster.now() < until; i++) {
            cluster.writeSequentially(PARTITION, "w" + i + "-", 1);
        }
        return joined;
    }
}
