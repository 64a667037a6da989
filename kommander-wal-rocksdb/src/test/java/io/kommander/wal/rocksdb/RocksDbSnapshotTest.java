package io.kommander.wal.rocksdb;

import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots on real threads and RocksDB: a node down while the others write and compact past it comes back, is
 * rebuilt by snapshot ({@code RocksDbWAL.installSnapshotBoundary}), follows the log, and restarts from its stored
 * snapshot; every acknowledged write is in every node's application state exactly once, in order.
 */
class RocksDbSnapshotTest {

    @Test
    void aNodeDownWhileTheOthersCompactPastItIsRebuiltBySnapshotOnDisk(@TempDir Path dir) {
        RocksDbWAL[] wals = new RocksDbWAL[3];
        PayloadStateMachine[] applications = new PayloadStateMachine[3];
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .basePort(9400)
                .tuning(b -> b.electionTimeoutMillis(500, 1000).compactionIntervalMillis(50)
                        .snapshotRetentionEntries(10).snapshotChunkBytes(256))
                .wal((node, previous) -> wals[node] = RocksDbWAL.open(dir.resolve("node-" + node)))
                .snapshots(node -> applications[node] = new PayloadStateMachine());
        try (TestCluster cluster = builder.build().start()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                cluster.write(1, "before-" + i);
                expected.add("before-" + i);
            }
            int down = cluster.others(cluster.awaitLeader(1)).get(0);
            await().atMost(TestCluster.WAIT).until(() -> applications[down].state(1).size() == 10);
            cluster.stopNode(down);
            for (int i = 0; i < 80; i++) {
                cluster.write(1, "while-down-" + i);
                expected.add("while-down-" + i);
            }
            for (int node : cluster.others(down)) {
                await().atMost(TestCluster.WAIT).until(() -> wals[node].compactedUpTo(1).index() > 50);
            }

            cluster.restartNode(down);
            await().atMost(TestCluster.WAIT).until(() -> !applications[down].installed(1).isEmpty());
            for (int i = 0; i < 10; i++) {
                cluster.write(1, "after-" + i);
                expected.add("after-" + i);
            }
            assertEveryNodeHolds(applications, expected);
            assertThat(wals[down].compactedUpTo(1).index()).isGreaterThanOrEqualTo(applications[down].installed(1)
                    .get(0));

            // A restart of the rebuilt node starts from its stored snapshot and the log after it.
            cluster.restartNode(down);
            cluster.write(1, "last");
            expected.add("last");
            assertEveryNodeHolds(applications, expected);
        }
    }

    private static void assertEveryNodeHolds(PayloadStateMachine[] applications, List<String> expected) {
        for (PayloadStateMachine application : applications) {
            await().atMost(TestCluster.WAIT).until(() -> application.state(1).size() >= expected.size());
            assertThat(application.state(1)).containsExactlyElementsOf(expected);
        }
    }
}
