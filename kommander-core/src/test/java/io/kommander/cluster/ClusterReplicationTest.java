package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClusterReplicationTest {

    @ParameterizedTest(name = "{0} nodes x {1} partitions")
    @CsvSource({"1, 1", "1, 16", "3, 1", "3, 16", "5, 1", "5, 16"})
    void everyCommittedEntryIsDeliveredOnceInOrderOnEveryNode(int nodes, int partitions) {
        int perPartition = partitions == 1 ? 2000 : 150;
        try (TestCluster cluster = TestCluster.inMemory(nodes, partitions).start()) {
            List<List<String>> acknowledged = new ArrayList<>();
            for (int p = 1; p <= partitions; p++) {
                acknowledged.add(writeBurst(cluster, p, perPartition));
            }
            for (int p = 1; p <= partitions; p++) {
                int partition = p;
                List<String> expected = acknowledged.get(p - 1);
                for (int n = 0; n < nodes; n++) {
                    int node = n;
                    await().atMost(TestCluster.WAIT).until(() -> cluster.delivered(node, partition).size()
                            >= expected.size());
                    List<RaftLog> delivered = cluster.delivered(node, partition);
                    assertThat(delivered).extracting(TestCluster::text).containsExactlyElementsOf(expected);
                    assertStrictlyIncreasingIndices(delivered);
                }
            }
        }
    }

    /** Sends a burst of writes to the partition's leader without waiting in between; returns them in log order. */
    static List<String> writeBurst(TestCluster cluster, int partition, int count) {
        int leader = cluster.awaitLeader(partition);
        List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String payload = "p" + partition + "-" + i;
            payloads.add(payload);
            futures.add(cluster.node(leader).replicateLogs(partition, "test",
                    payload.getBytes(StandardCharsets.UTF_8)));
        }
        List<long[]> indexed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RaftReplicationResult result = futures.get(i).join();
            assertThat(result.success()).as("write %s: %s", i, result.status()).isTrue();
            indexed.add(new long[] {result.logIndex(), i});
        }
        indexed.sort((a, b) -> Long.compare(a[0], b[0]));
        return indexed.stream().map(pair -> payloads.get((int) pair[1])).toList();
    }

    static void assertStrictlyIncreasingIndices(List<RaftLog> logs) {
        for (int i = 1; i < logs.size(); i++) {
            assertThat(logs.get(i).index()).isGreaterThan(logs.get(i - 1).index());
        }
    }
}
