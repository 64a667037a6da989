package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.FaultyWal;
import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A partition whose WAL fails (reads while it restores, writes of its data) restores again after a back-off, hands
 * the application nothing twice, gives up visibly after five retries in a row, and leaves other partitions alone.
 */
class WalFailureTest {

    private static final long BACKOFF = 50;
    /** The delays the failure events announce: at once, then doubling from the minimum election timeout; -1: given up. */
    private static final List<Long> RETRIES_THEN_GIVE_UP = List.of(0L, BACKOFF, 2 * BACKOFF, 4 * BACKOFF,
            8 * BACKOFF, -1L);

    private final Map<Integer, FaultyWal> wals = new ConcurrentHashMap<>();
    private volatile Consumer<FaultyWal> onOpen = wal -> { };

    /** One node, two partitions, on a {@link FaultyWal} that {@link #onOpen} arms each time the node opens it. */
    private TestCluster singleNode() {
        return TestCluster.builder(1, 2)
                .tuning(b -> b.heartbeatIntervalMillis(10).electionTimeoutMillis(BACKOFF, 2 * BACKOFF))
                .wal((node, previous) -> {
                    IWAL storage = previous == null ? new InMemoryWAL()
                            : ((InMemoryWAL) ((FaultyWal) previous).storage()).reopen();
                    FaultyWal wal = new FaultyWal(storage);
                    onOpen.accept(wal);
                    wals.put(node, wal);
                    return wal;
                })
                .build();
    }

    /** Records the failure events of every partition: partition -> announced retry delays. */
    private static Map<Integer, List<Long>> failures(RaftManager node) {
        Map<Integer, List<Long>> failures = new ConcurrentHashMap<>();
        recordFailures(node, failures);
        return failures;
    }

    /** Collects the node's {@code onPartitionUnavailable} reports: the retry delays, by partition. */
    private static void recordFailures(RaftManager node, Map<Integer, List<Long>> failures) {
        node.onPartitionUnavailable((partition, error, retryInMillis) ->
                failures.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).add(retryInMillis));
    }

    @Test
    void restoreWhoseReadsFailRetriesThenJoinsAndReplaysEachEntryOnce() {
        try (TestCluster cluster = singleNode().start()) {
            cluster.write(1, "a");
            cluster.write(1, "b");
            cluster.stopNode(0);
            onOpen = wal -> wal.failReads(1, 2);

            Map<Integer, List<Long>> failures = new ConcurrentHashMap<>();
            // Listening before the node joins: its restore, where the reads fail, starts with the join.
            RaftManager node = cluster.startNode(0, started -> recordFailures(started, failures));
            node.joinCluster().orTimeout(TestCluster.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();

            assertThat(wals.get(0).failedReads()).isEqualTo(2);
            assertThat(failures).containsOnlyKeys(1);
            assertThat(failures.get(1)).containsExactly(0L, BACKOFF);
            // "b" may be past the stored commit index (nothing persisted the commit after it): it is handed to
            // onLogRestored once the node, elected again, commits it.
            await().atMost(TestCluster.WAIT).until(() -> cluster.restored(0, 1).size() >= 2);
            assertThat(cluster.restored(0, 1)).extracting(TestCluster::text).containsExactly("a", "b");
            cluster.write(1, "c");
            assertThat(cluster.history(0, 1)).extracting(TestCluster::text).containsExactly("a", "b", "c");
        }
    }

    @Test
    void restoreThatCannotReadGivesUpVisiblyAndLeavesTheOtherPartitionsAlone() {
        try (TestCluster cluster = singleNode().start()) {
            cluster.write(1, "a");
            cluster.stopNode(0);
            onOpen = wal -> wal.failReads(1, Integer.MAX_VALUE);

            Map<Integer, List<Long>> failures = new ConcurrentHashMap<>();
            // Listening before the node joins: its restore, where the reads fail, starts with the join.
            RaftManager node = cluster.startNode(0, started -> recordFailures(started, failures));
            CompletableFuture<Void> joined = node.joinCluster();

            await().atMost(TestCluster.WAIT).until(joined::isDone);
            assertThat(joined).isCompletedExceptionally();
            assertThat(failures.get(1)).containsExactlyElementsOf(RETRIES_THEN_GIVE_UP);
            assertThat(node.replicateLogs(1, "test", "b".getBytes()).join().status())
                    .isEqualTo(RaftOperationStatus.PartitionUnavailable);
            assertThat(cluster.write(2, "x").success()).isTrue();
            assertThat(failures).containsOnlyKeys(1);
        }
    }

    @Test
    void persistentWriteFailureGivesUpAfterBoundedRetriesWithoutReplayingTheLog() {
        try (TestCluster cluster = singleNode().start()) {
            cluster.write(1, "a");
            cluster.write(1, "b");
            RaftManager node = cluster.node(0);
            Map<Integer, List<Long>> failures = failures(node);
            Map<Integer, Integer> restoreStarts = new ConcurrentHashMap<>();
            node.onRestoreStarted(p -> restoreStarts.merge(p, 1, Integer::sum));

            wals.get(0).failWrites(1);
            assertThat(node.replicateLogs(1, "test", "c".getBytes()).join().status())
                    .isEqualTo(RaftOperationStatus.ReplicationFailed);
            // Each restore reads well; its next write (the new leader's barrier) fails again: a full disk.
            await().atMost(TestCluster.WAIT).until(() -> failures.getOrDefault(1, List.of()).contains(-1L));

            assertThat(failures.get(1)).containsExactlyElementsOf(RETRIES_THEN_GIVE_UP);
            assertThat(node.replicateLogs(1, "test", "d".getBytes()).join().status())
                    .isEqualTo(RaftOperationStatus.PartitionUnavailable);
            assertThat(restoreStarts).as("restores after a WAL failure are not announced again").isEmpty();
            List<Long> handed = cluster.history(0, 1).stream().map(RaftLog::index).toList();
            assertThat(handed).as("entries handed to the application in this lifetime").doesNotHaveDuplicates();
            assertThat(cluster.history(0, 1)).extracting(TestCluster::text).containsExactly("a", "b");
            // Partition 2's writes share group writes with partition 1's, which fail: they are retried alone.
            assertThat(cluster.write(2, "x").success()).isTrue();
            assertThat(failures).containsOnlyKeys(1);
        }
    }

    @Test
    void writeFailureRestoresOnceAndDeliveryResumesAfterTheLastEntryHandedOver() {
        try (TestCluster cluster = singleNode().start()) {
            cluster.write(1, "a");
            RaftManager node = cluster.node(0);
            Map<Integer, List<Long>> failures = failures(node);

            wals.get(0).failWrites(1);
            assertThat(node.replicateLogs(1, "test", "b".getBytes()).join().status())
                    .isEqualTo(RaftOperationStatus.ReplicationFailed);
            wals.get(0).healWrites(1);
            cluster.write(1, "c");

            assertThat(failures.get(1)).first().isEqualTo(0L);
            assertThat(cluster.restored(0, 1)).isEmpty();
            assertThat(cluster.delivered(0, 1)).extracting(TestCluster::text).containsExactly("a", "c");
        }
    }
}
