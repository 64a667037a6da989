package io.kommander.wal.rocksdb;

import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A partition removed on a real-thread cluster leaves every node's RocksDB folder, and stays gone after restarts. */
class RocksDbPartitionRemovalTest {

    @Test
    void removedPartitionsDataIsGoneFromEveryDiskAfterARestart(@TempDir Path dir) {
        Map<Integer, RocksDbWAL> wals = new ConcurrentHashMap<>();
        TestCluster.Builder builder = TestCluster.builder(3, 2)
                .basePort(9340)
                .tuning(b -> b.electionTimeoutMillis(500, 1000))
                .wal((node, previous) -> {
                    RocksDbWAL wal = RocksDbWAL.builder(dir.resolve("node-" + node)).valueLogThresholdBytes(4096)
                            .open();
                    wals.put(node, wal);
                    return wal;
                });
        try (TestCluster cluster = builder.build().start()) {
            String large = "x".repeat(8192); // through the value log
            for (int i = 0; i < 10; i++) {
                cluster.write(1, "keep-" + i);
                cluster.write(2, large + i);
            }

            assertThat(cluster.node(1).removePartition(2).join().status()).isEqualTo(RaftOperationStatus.Success);

            await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.range(0, 3)
                    .noneMatch(n -> wals.get(n).partitions().contains(2)));
            for (int n = 0; n < 3; n++) {
                cluster.stopNode(n);
            }
            for (int n = 0; n < 3; n++) {
                try (RocksDbWAL reopened = RocksDbWAL.open(dir.resolve("node-" + n))) {
                    assertThat(reopened.partitions()).as("node %d", n).doesNotContain(2).contains(1);
                    assertThat(reopened.lastPosition(2).index()).isZero();
                    assertThat(reopened.hardState(2)).isEqualTo(io.kommander.wal.HardState.EMPTY);
                }
            }
            for (int n = 0; n < 3; n++) {
                cluster.restartNode(n);
            }
            cluster.write(1, "after-restart");
            for (int n = 0; n < 3; n++) {
                int node = n;
                assertThat(cluster.node(n).getPartitionMap().partition(2).orElseThrow().state())
                        .isEqualTo(PartitionState.REMOVED);
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.history(node, 1).stream()
                        .map(TestCluster::text).anyMatch("after-restart"::equals));
                assertThat(wals.get(n).partitions()).doesNotContain(2);
                assertThat(cluster.history(n, 2)).as("node %d never restores a removed partition", n).isEmpty();
            }
            assertThat(cluster.node(0).getPartitionMap().partitions()).extracting(p -> p.id())
                    .isEqualTo(List.of(1, 2));
        }
    }
}
