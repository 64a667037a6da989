package io.kommander.wal.rocksdb;

import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The core's cluster scenarios again, with every node on its own RocksDbWAL in a temporary folder. */
class RocksDbClusterTest {

    private static TestCluster cluster(Path dir, int partitions) {
        return TestCluster.builder(3, partitions)
                .basePort(9300)
                // Synced writes on a shared disk can stall for hundreds of ms: keep elections calm.
                .tuning(b -> b.electionTimeoutMillis(500, 1000))
                .wal((node, previous) -> RocksDbWAL.open(dir.resolve("node-" + node)))
                .build();
    }

    @Test
    void threeNodesSixteenPartitionsReplicateOnDisk(@TempDir Path dir) {
        try (TestCluster cluster = cluster(dir, 16).start()) {
            List<List<String>> expected = new ArrayList<>();
            for (int p = 1; p <= 16; p++) {
                List<String> written = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String payload = "p" + p + "-" + i;
                    cluster.write(p, payload);
                    written.add(payload);
                }
                expected.add(written);
            }
            for (int p = 1; p <= 16; p++) {
                for (int n = 0; n < 3; n++) {
                    assertDelivered(cluster, n, p, expected.get(p - 1));
                }
            }
        }
    }

    @Test
    void restartedNodeRestoresFromDiskAndCatchesUp(@TempDir Path dir) {
        try (TestCluster cluster = cluster(dir, 2).start()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                cluster.write(1, "a-" + i);
                expected.add("a-" + i);
            }
            int follower = cluster.others(cluster.awaitLeader(1)).get(0);
            assertDelivered(cluster, follower, 1, expected);
            cluster.stopNode(follower);
            for (int i = 0; i < 30; i++) {
                cluster.write(1, "b-" + i);
                expected.add("b-" + i);
            }
            cluster.restartNode(follower);
            assertDelivered(cluster, follower, 1, expected);
            assertThat(cluster.restored(follower, 1)).extracting(TestCluster::text)
                    .containsExactlyElementsOf(expected.subList(0, 30));

            // A full-cluster restart: every node restores from its own folder and the partition serves again.
            for (int n = 0; n < 3; n++) {
                cluster.stopNode(n);
            }
            for (int n = 0; n < 3; n++) {
                cluster.startNode(n);
            }
            cluster.write(1, "c-0");
            expected.add("c-0");
            for (int n = 0; n < 3; n++) {
                assertDelivered(cluster, n, 1, expected);
            }
        }
    }

    @Test
    void idempotentRetryAfterARestartPastACompactionIsAnsweredFromDisk(@TempDir Path dir) {
        RocksDbWAL[] wals = new RocksDbWAL[3];
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .basePort(9300)
                .tuning(b -> b.electionTimeoutMillis(500, 1000).compactionIntervalMillis(50))
                .wal((node, previous) -> wals[node] = RocksDbWAL.open(dir.resolve("node-" + node)));
        try (TestCluster cluster = builder.build().start()) {
            RaftReplicationResult first = cluster.write(1, "a-1", RequestId.of(7, 1));
            cluster.write(1, "a-2", RequestId.of(7, 2));
            int leader = cluster.awaitLeader(1);
            long checkpoint = cluster.node(leader).replicateCheckpoint(1).join().logIndex();
            cluster.write(1, "a-3", RequestId.of(7, 3));
            // Once compacted, the entries that built the sessions are gone: a restart reads the sessions from the
            // WAL's metadata.
            for (RocksDbWAL wal : wals) {
                await().atMost(TestCluster.WAIT).until(() -> wal.compactedUpTo(1).index() >= checkpoint);
            }
            for (int n = 0; n < 3; n++) {
                cluster.stopNode(n);
            }
            cluster.start();

            assertThat(cluster.write(1, "a-1", RequestId.of(7, 1))).isEqualTo(first);
            cluster.write(1, "a-4", RequestId.of(7, 4));
            List<String> expected = List.of("a-3", "a-4");
            for (int n = 0; n < 3; n++) {
                assertDelivered(cluster, n, 1, expected);
            }
        }
    }

    private static void assertDelivered(TestCluster cluster, int node, int partition, List<String> expected) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, partition).size() >= expected.size());
        List<RaftLog> history = cluster.history(node, partition);
        assertThat(history).extracting(TestCluster::text).containsExactlyElementsOf(expected);
    }
}
