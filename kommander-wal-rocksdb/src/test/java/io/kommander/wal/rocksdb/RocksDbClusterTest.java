package io.kommander.wal.rocksdb;

import io.kommander.RaftLog;
import io.kommander.RaftManager;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

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

    /**
     * A follower's data folder is deleted and the node restarted with the same configuration (the user's report:
     * no checkpoint yet, 500 writes meanwhile): it comes back as a new incarnation, is rebuilt from the others' logs,
     * delivers every entry, and the others compact again once a checkpoint is taken.
     */
    @Test
    void followerWhoseDataFolderWasDeletedIsRebuiltAndDeliversEveryEntry(@TempDir Path dir) throws IOException {
        RocksDbWAL[] wals = new RocksDbWAL[3];
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .basePort(9300)
                .tuning(b -> b.electionTimeoutMillis(500, 1000).compactionIntervalMillis(50))
                .wal((node, previous) -> wals[node] = RocksDbWAL.open(dir.resolve("node-" + node)));
        try (TestCluster cluster = builder.build().start()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cluster.write(1, "before-" + i);
                expected.add("before-" + i);
            }
            int follower = cluster.others(cluster.awaitLeader(1)).get(0);
            assertDelivered(cluster, follower, 1, expected);
            long incarnation = wals[follower].metadata("node/incarnation").map(ByteBuffer::wrap)
                    .map(ByteBuffer::getLong).orElseThrow();
            cluster.stopNode(follower);
            deleteRecursively(dir.resolve("node-" + follower));
            cluster.startNode(follower);
            expected.addAll(writeInBursts(cluster, "meanwhile-", 500));

            assertDelivered(cluster, follower, 1, expected);
            assertThat(cluster.restored(follower, 1)).as("nothing to restore from an empty folder").isEmpty();
            assertThat(wals[follower].metadata("node/incarnation").map(ByteBuffer::wrap).map(ByteBuffer::getLong))
                    .as("a new incarnation").isPresent().get().isNotEqualTo(incarnation);
            int leader = cluster.awaitLeader(1);
            long checkpoint = cluster.node(leader).replicateCheckpoint(1).join().logIndex();
            for (RocksDbWAL wal : wals) {
                await().atMost(TestCluster.WAIT).until(() -> wal.compactedUpTo(1).index() >= checkpoint);
            }
        }
    }

    /**
     * Writes {@code prefix0..prefix(count-1)} through the leader, 50 at a time without waiting in between (so they
     * share WAL syncs); returns them in log order.
     */
    private static List<String> writeInBursts(TestCluster cluster, String prefix, int count) {
        TreeMap<Long, String> byIndex = new TreeMap<>();
        for (int from = 0; from < count; from += 50) {
            RaftManager leader = cluster.node(cluster.awaitLeader(1));
            Map<String, CompletableFuture<RaftReplicationResult>> results = new LinkedHashMap<>();
            for (int i = from; i < Math.min(count, from + 50); i++) {
                results.put(prefix + i, leader.replicateLogs(1, "test", (prefix + i).getBytes(StandardCharsets.UTF_8)));
            }
            results.forEach((payload, result) -> {
                RaftReplicationResult done = result.join();
                assertThat(done.success()).as("write %s: %s", payload, done.status()).isTrue();
                byIndex.put(done.logIndex(), payload);
            });
        }
        return List.copyOf(byIndex.values());
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void assertDelivered(TestCluster cluster, int node, int partition, List<String> expected) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, partition).size() >= expected.size());
        List<RaftLog> history = cluster.history(node, partition);
        assertThat(history).extracting(TestCluster::text).containsExactlyElementsOf(expected);
    }
}
