package io.kommander.cluster;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The few cluster checks where real threads are the point: the production runtime's pools, callers racing the
 * partition executors, and futures completed on other threads. Protocol scenarios run on the simulator
 * ({@link ClusterFaultTest}, {@link ClusterReplicationTest}).
 */
class RealThreadsSmokeTest {

    @Test
    void writesFromOneCallerAreDeliveredOnceInOrderOnEveryNode() {
        try (TestCluster cluster = TestCluster.inMemory(3, 2).start()) {
            for (int p = 1; p <= 2; p++) {
                int partition = p;
                int leader = cluster.awaitLeader(partition);
                List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    futures.add(cluster.node(leader).replicateLogs(partition, "test",
                            ("p" + partition + "-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                List<String> expected = new ArrayList<>();
                long lastIndex = 0;
                for (int i = 0; i < futures.size(); i++) {
                    RaftReplicationResult result = futures.get(i).join();
                    assertThat(result.success()).as("write %s: %s", i, result.status()).isTrue();
                    // One caller, one partition: the log keeps the order of the calls.
                    assertThat(result.logIndex()).isGreaterThan(lastIndex);
                    lastIndex = result.logIndex();
                    expected.add("p" + partition + "-" + i);
                }
                for (int n = 0; n < 3; n++) {
                    int node = n;
                    await().atMost(TestCluster.WAIT).until(() -> cluster.delivered(node, partition).size()
                            >= expected.size());
                    assertThat(cluster.delivered(node, partition)).extracting(TestCluster::text)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
    }

    /**
     * The admission count is shared by the caller's thread, which raises it, and the executor's pool thread, which
     * lowers it while draining: with real threads both run at once.
     */
    @Test
    void fullClientQueueRefusesWithProposalQueueFullAndLosesNothingAccepted() {
        try (TestCluster cluster = TestCluster.builder(3, 1).tuning(b -> b.maxClientQueue(4)).build().start()) {
            int leader = cluster.awaitLeader(1);
            List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                futures.add(cluster.node(leader).replicateLogs(1, "test", ("q" + i).getBytes(StandardCharsets.UTF_8)));
            }
            List<String> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < futures.size(); i++) {
                RaftReplicationResult r = futures.get(i).join();
                if (r.success()) {
                    accepted.add("q" + i);
                } else {
                    assertThat(r.status()).isEqualTo(RaftOperationStatus.ProposalQueueFull);
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            for (int n = 0; n < 3; n++) {
                int node = n;
                await().atMost(TestCluster.WAIT).until(() -> cluster.delivered(node, 1).size() >= accepted.size());
                assertThat(cluster.delivered(node, 1)).extracting(TestCluster::text)
                        .containsExactlyElementsOf(accepted);
            }
        }
    }
}
