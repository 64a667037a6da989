package io.kommander.cluster;

import io.kommander.RaftManager;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Futures returned to callers never complete on a partition executor, so the application's stages cannot delay
 * partitions, and a listener that blocks on one fails at once instead of deadlocking its partition.
 */
class CallerFuturesTest {

    @Test
    void stagesOfAReturnedFutureRunOffThePartitionExecutors() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            CompletableFuture<RaftReplicationResult> write = heldWrite(cluster);
            CompletableFuture<String> stageThread = write.thenApply(result -> Thread.currentThread().getName());

            cluster.network().heal();

            assertThat(stageThread.orTimeout(30, TimeUnit.SECONDS).join()).doesNotContain("-partition-");
        }
    }

    @Test
    void blockingOnAFutureInsideAStageOfAnAnsweredWriteFailsFastInsteadOfDeadlocking() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            RaftManager node = cluster.node(cluster.awaitLeader(1));
            CompletableFuture<RaftReplicationResult> write = heldWrite(cluster);
            CompletableFuture<Throwable> refusal = write.handle((result, error) -> {
                try {
                    // Its answer would queue behind this very stage on the callback executor.
                    node.amILeader(1).join();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });

            cluster.network().heal();

            assertThat(refusal.orTimeout(30, TimeUnit.SECONDS).join())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("callback executor");
        }
    }

    @Test
    void blockingOnAFutureInsideAListenerFailsFastInsteadOfDeadlocking() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            RaftManager node = cluster.node(0);
            cluster.awaitLeader(1);
            CompletableFuture<Throwable> refusal = new CompletableFuture<>();
            node.onReplicationReceived((partition, log) -> {
                if (TestCluster.text(log).equals("block")) {
                    try {
                        // The answer needs this very executor, which is busy running this listener.
                        node.amILeader(partition).join();
                        refusal.complete(null);
                    } catch (RuntimeException e) {
                        refusal.complete(e);
                    }
                }
                return true;
            });

            cluster.write(1, "block");

            assertThat(refusal.orTimeout(30, TimeUnit.SECONDS).join())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("partition executor");
            assertThat(cluster.write(1, "still-served").success()).isTrue();
        }
    }

    /**
     * A write to partition 1's leader, cut off first so that it cannot be answered before the caller attaches its
     * stages (and they run where the answer arrives); the caller heals the network.
     */
    private static CompletableFuture<RaftReplicationResult> heldWrite(TestCluster cluster) {
        int leader = cluster.awaitLeader(1);
        cluster.network().isolate(cluster.endpoint(leader));
        return cluster.node(leader).replicateLogs(1, "test", "held".getBytes(StandardCharsets.UTF_8));
    }
}
