package io.kommander.cluster;

import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leaving and closing never wait on a partition executor: {@code close()} called where a partition's work runs (a
 * listener, or the completion of the last leadership transfer of {@code leaveCluster()}) returns at once, and
 * every call still queued on that partition completes.
 */
class LeaveAndCloseTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void closeFromAListenerReturnsAndCompletesTheCallsQueuedBehindIt() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            RaftManager node = cluster.node(0);
            cluster.awaitLeader(1);
            CompletableFuture<CompletableFuture<RaftReplicationResult>> behind = new CompletableFuture<>();
            node.onReplicationReceived((partition, log) -> {
                if (TestCluster.text(log).equals("close")) {
                    // Queued on this partition's executor, behind the delivery that is running now.
                    CompletableFuture<RaftReplicationResult> queued = node.replicateLogs(1, "test", bytes("late"));
                    node.close();
                    behind.complete(queued);
                }
                return true;
            });

            node.replicateLogs(1, "test", bytes("close"));

            CompletableFuture<RaftReplicationResult> queued = behind.orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(TestCluster.WAIT).until(queued::isDone);
            assertThat(queued.join().status()).isEqualTo(RaftOperationStatus.NodeClosed);
        }
    }

    @Test
    void closeFromAListenerReturnsBeforeTheNodeHasFinishedClosing() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            RaftManager node = cluster.node(0);
            cluster.awaitLeader(1);
            CompletableFuture<Boolean> closedWhenCloseReturned = new CompletableFuture<>();
            node.onReplicationReceived((partition, log) -> {
                node.close();
                // This partition's executor is still running this listener, so the node cannot have closed yet.
                closedWhenCloseReturned.complete(node.closeAsync().isDone());
                return true;
            });

            node.replicateLogs(1, "test", bytes("close"));

            assertThat(closedWhenCloseReturned.orTimeout(30, TimeUnit.SECONDS).join()).isFalse();
            node.closeAsync().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(node.replicateLogs(1, "test", bytes("after")).join().status())
                    .isEqualTo(RaftOperationStatus.NodeClosed);
        }
    }

    @Test
    void leaveClusterHandsOverEveryPartitionAndCompletesEveryCallMadeMeanwhile() {
        int partitions = 4;
        try (TestCluster cluster = TestCluster.inMemory(3, partitions).start()) {
            int leaving = 0;
            RaftManager node = cluster.node(leaving);
            for (int p = 1; p <= partitions; p++) {
                moveLeadership(cluster, p, leaving);
            }
            List<CompletableFuture<RaftReplicationResult>> madeMeanwhile = new CopyOnWriteArrayList<>();
            node.onLeaderChanged((partition, leader) ->
                    // Queued on the partition's executor as its leadership moves away.
                    madeMeanwhile.add(node.replicateLogs(partition, "test", bytes("during-leave"))));

            node.leaveCluster().orTimeout(30, TimeUnit.SECONDS).join();

            assertThat(madeMeanwhile).isNotEmpty();
            await().atMost(TestCluster.WAIT).until(() -> madeMeanwhile.stream().allMatch(CompletableFuture::isDone));
            // NotAMember too: leaveCluster completes only once the node has closed, after the roster removed it, and
            // a leader change the node notices in between (e.g. a replica taken out of its partition that stops
            // hearing from its leader) makes a call that a removed node answers NotAMember, as IRaft documents.
            // All three are definite: nothing was appended.
            assertThat(madeMeanwhile).extracting(f -> f.join().status())
                    .allMatch(s -> s == RaftOperationStatus.NodeClosed || s == RaftOperationStatus.NodeIsNotLeader
                            || s == RaftOperationStatus.NotAMember);
            for (int p = 1; p <= partitions; p++) {
                int partition = p;
                await().atMost(TestCluster.WAIT).until(() -> cluster.others(leaving).stream()
                        .anyMatch(n -> cluster.node(n).amILeaderQuick(partition)));
            }
        }
    }

    private static void moveLeadership(TestCluster cluster, int partition, int to) {
        await().atMost(TestCluster.WAIT).until(() -> {
            int leader = cluster.awaitLeader(partition);
            if (leader != to) {
                cluster.node(leader).transferLeadership(partition, cluster.endpoint(to))
                        .get(30, TimeUnit.SECONDS);
            }
            return cluster.node(to).amILeaderQuick(partition);
        });
    }
}
