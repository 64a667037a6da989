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
            int leader = cluster.awaitLeader(1);
            RaftManager node = cluster.node(leader);
            // Cut the leader off so that the write cannot complete before the stage below is attached.
            cluster.network().isolate(cluster.endpoint(leader));
            CompletableFuture<RaftReplicationResult> write = node.replicateLogs(1, "test",
                    "held".getBytes(StandardCharsets.UTF_8));
            CompletableFuture<String> stageThread = write.thenApply(result -> Thread.currentThread().getName());

            cluster.network().heal();

            assertThat(stageThread.orTimeout(30, TimeUnit.SECONDS).join()).doesNotContain("-partition-");
        }
    }

    @Test
    void blockingOnAFutureInsideAStageOfAnAnsweredWriteFailsFastInsteadOfDeadlocking() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            int leader = cluster.awaitLeader(1);
            RaftManager node = cluster.node(leader);
            // Cut the leader off so that the stage below is attached before the answer, and runs where it arrives.
            cluster.network().isolate(cluster.endpoint(leader));
            CompletableFuture<RaftReplicationResult> write = node.replicateLogs(1, "test",
                    "held".getBytes(StandardCharsets.UTF_8));
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
}
