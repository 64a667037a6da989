package io.kommander.bench.system.kommander;

import io.kommander.RaftManager;
import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeapLogCompactionTest {

    @Test
    void everyReplicaDropsWhatTheCheckpointsAllow() throws Exception {
        Map<Integer, InMemoryWAL> wals = new ConcurrentHashMap<>();
        List<HeapLogCompaction> compactions = new ArrayList<>();
        try (TestCluster cluster = TestCluster.builder(3, 1)
                .wal((node, previous) -> wals.computeIfAbsent(node, n -> new InMemoryWAL()))
                .tuning(b -> b.compactionIntervalMillis(HeapLogCompaction.INTERVAL_MILLIS))
                .build().start()) {
            int leader = cluster.awaitLeader(1);
            for (int node = 0; node < 3; node++) {
                compactions.add(new HeapLogCompaction(cluster.node(node), 1, "test-checkpoints-" + node));
            }
            RaftManager raft = cluster.node(leader);
            for (int i = 0; i < 200; i++) {
                assertThat(raft.replicateLogs(1, "bench", new byte[64]).get().success()).isTrue();
            }

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (IWAL wal : wals.values()) {
                    assertThat(wal.compactedUpTo(1).index()).isGreaterThanOrEqualTo(200);
                }
            });
            assertThat(wals).hasSize(3);
        } finally {
            compactions.forEach(HeapLogCompaction::close);
        }
    }
}
