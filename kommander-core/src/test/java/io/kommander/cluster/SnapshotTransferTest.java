package io.kommander.cluster;

import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots end to end on the deterministic simulator ({@link SimCluster#builder} with snapshots): compaction passes
 * a member that is down, the member comes back behind the compaction point and is rebuilt by snapshot, then follows
 * the log; every acknowledged write is in every node's application state exactly once, in order.
 */
class SnapshotTransferTest {

    private static SimCluster cluster(long retention) {
        return cluster(retention, Long.MAX_VALUE);
    }

    private static SimCluster cluster(long retentionEntries, long retentionBytes) {
        return SimCluster.builder(3, 1).snapshots()
                .tuning(b -> b.snapshotRetentionEntries(retentionEntries).snapshotRetentionBytes(retentionBytes)
                        .compactionIntervalMillis(100).snapshotChunkBytes(200).logCacheEntries(16))
                .start();
    }

    @Test
    void retentionInBytesLetsCompactionPassAMemberDownThoughTheRetentionInEntriesWouldNot() {
        SimCluster cluster = cluster(1_000_000, 2_000);
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "before-", 20));
        int down = cluster.others(cluster.awaitLeader(1)).get(0);
        cluster.runUntil("node " + down + " holds the first writes", () -> cluster.state(down, 1).size() == 20);
        cluster.crashAfterSync(down);
        expected.addAll(cluster.writeSequentially(1, "while-down-", 300));
        cluster.runUntil("the live nodes compacted past the down node's log", () -> cluster.others(down).stream()
                .allMatch(n -> cluster.compactedUpTo(n, 1).index() > 100));

        cluster.restart(down);
        cluster.runUntil("node " + down + " installed a snapshot",
                () -> !cluster.installedSnapshots(down, 1).isEmpty());
        assertEveryNodeHolds(cluster, expected);
    }

    @Test
    void withBothRetentionsLargeCompactionWaitsForAMemberDown() {
        SimCluster cluster = cluster(1_000_000, 1L << 30);
        cluster.writeSequentially(1, "before-", 20);
        int down = cluster.others(cluster.awaitLeader(1)).get(0);
        cluster.runUntil("node " + down + " holds the first writes", () -> cluster.state(down, 1).size() == 20);
        cluster.crashAfterSync(down);
        cluster.writeSequentially(1, "while-down-", 300);
        cluster.runFor(Duration.ofSeconds(2));
        for (int n : cluster.others(down)) {
            assertThat(cluster.compactedUpTo(n, 1).index()).as("node %d compacted", n).isLessThan(40);
        }
    }

    private static void assertEveryNodeHolds(SimCluster cluster, List<String> expected) {
        for (int node = 0; node < cluster.size(); node++) {
            int n = node;
            cluster.runUntil("node " + n + " holds all " + expected.size() + " writes",
                    () -> cluster.state(n, 1).size() >= expected.size());
            assertThat(cluster.state(n, 1)).as("application state of node %d", n)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void followerDownWhileTheOthersCompactPastItIsRebuiltBySnapshotThenFollowsTheLog() {
        SimCluster cluster = cluster(10);
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "before-", 20));
        int down = cluster.others(cluster.awaitLeader(1)).get(0);
        cluster.runUntil("node " + down + " holds the first writes", () -> cluster.state(down, 1).size() == 20);
        cluster.crashAfterSync(down);
        expected.addAll(cluster.writeSequentially(1, "while-down-", 150));
        cluster.runUntil("the live nodes compacted past the down node's log", () -> cluster.others(down).stream()
                .allMatch(n -> cluster.compactedUpTo(n, 1).index() > 100));

        cluster.restart(down);
        cluster.runUntil("node " + down + " installed a snapshot", () -> !cluster.installedSnapshots(down, 1).isEmpty());
        expected.addAll(cluster.writeSequentially(1, "after-", 20));

        assertEveryNodeHolds(cluster, expected);
        long boundary = cluster.installedSnapshots(down, 1).get(0);
        assertThat(boundary).isGreaterThan(100);
        assertThat(cluster.compactedUpTo(down, 1).index()).isGreaterThanOrEqualTo(boundary);
        // What it delivered itself is the log after the boundary: nothing before it came twice.
        assertThat(cluster.delivered(down, 1)).allMatch(log -> log.index() > boundary);
    }

    @Test
    void withoutAMemberDownCompactionKeepsUpWithTheCommitIndexAndNoSnapshotIsSent() {
        SimCluster cluster = cluster(1_000);
        List<String> expected = cluster.writeSequentially(1, "w-", 100);
        cluster.runFor(Duration.ofSeconds(1));
        for (int node = 0; node < cluster.size(); node++) {
            assertThat(cluster.compactedUpTo(node, 1).index()).as("node %d compacted", node).isGreaterThan(90);
            assertThat(cluster.installedSnapshots(node, 1)).isEmpty();
        }
        assertEveryNodeHolds(cluster, expected);
    }

    @Test
    void aRestartedNodeRestoresFromItsOwnSnapshotAndTheLogAfterIt() {
        SimCluster cluster = cluster(10);
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "a-", 60));
        cluster.runUntil("every node compacted", () -> cluster.others().stream()
                .allMatch(n -> cluster.compactedUpTo(n, 1).index() > 40));
        int node = cluster.awaitLeader(1);
        cluster.crashAfterSync(node);
        cluster.restart(node);
        expected.addAll(cluster.writeSequentially(1, "b-", 10));
        assertEveryNodeHolds(cluster, expected);
    }
}
