package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replication on 1, 3 and 5 nodes × 1 and 16 partitions, on the deterministic simulator ({@link SimCluster}): every
 * acknowledged write is delivered exactly once, in log order, on every node.
 */
class ClusterReplicationTest {

    @ParameterizedTest(name = "{0} nodes x {1} partitions")
    @CsvSource({"1, 1", "1, 16", "3, 1", "3, 16", "5, 1", "5, 16"})
    void everyCommittedEntryIsDeliveredOnceInOrderOnEveryNode(int nodes, int partitions) {
        int perPartition = partitions == 1 ? 2000 : 150;
        SimCluster cluster = SimCluster.builder(nodes, partitions).start();
        List<List<String>> acknowledged = new ArrayList<>();
        for (int p = 1; p <= partitions; p++) {
            acknowledged.add(cluster.writeBurst(p, "p" + p + "-", perPartition));
        }
        for (int p = 1; p <= partitions; p++) {
            List<String> expected = acknowledged.get(p - 1);
            for (int n = 0; n < nodes; n++) {
                assertThat(cluster.awaitHistory(n, p, expected.size())).containsExactlyElementsOf(expected);
                List<RaftLog> delivered = cluster.delivered(n, p);
                assertThat(cluster.restored(n, p)).isEmpty();
                for (int i = 1; i < delivered.size(); i++) {
                    assertThat(delivered.get(i).index()).isGreaterThan(delivered.get(i - 1).index());
                }
            }
        }
    }
}
