package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Idempotent writes on a real cluster: retries across leader changes, restarts, compaction, and expiry. */
class ClusterSessionTest {

    private static final long CLIENT = 0xC0FFEEL;

    /** In-memory WALs that survive restarts, kept so that a test can look at what each node stored. */
    private final IWAL[] wals = new IWAL[3];

    private TestCluster.Builder cluster() {
        return TestCluster.builder(3, 1).wal((node, previous) -> wals[node] =
                previous == null ? new InMemoryWAL() : ((InMemoryWAL) previous).reopen());
    }

    private static RaftReplicationResult retryAt(TestCluster cluster, int node, String payload, RequestId id)
            throws Exception {
        return cluster.node(node).replicateLogs(1, "test", payload.getBytes(StandardCharsets.UTF_8), id)
                .get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits until {@code node}, leading, has applied its barrier: nothing more is in flight on a quiet cluster. */
    private static void awaitServing(TestCluster cluster, int node) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.node(node).confirmLeadership(1)
                .get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    private static long copiesOf(TestCluster cluster, int node, String payload) {
        return cluster.history(node, 1).stream().map(TestCluster::text).filter(payload::equals).count();
    }

    private static void awaitOnEveryNode(TestCluster cluster, String payload) {
        for (int n = 0; n < cluster.size(); n++) {
            int node = n;
            await().atMost(TestCluster.WAIT).until(() -> copiesOf(cluster, node, payload) > 0);
        }
    }

    @Test
    void retryAfterALeaderChangeReturnsTheOriginalResultAndAppendsNothing() throws Exception {
        try (TestCluster cluster = cluster().build().start()) {
            RequestId id = RequestId.of(CLIENT, 1);
            RaftReplicationResult first = cluster.write(1, "order-1", id);
            int oldLeader = cluster.awaitLeader(1);
            cluster.stopNode(oldLeader);
            int newLeader = cluster.awaitLeader(1);
            awaitServing(cluster, newLeader);
            long lastBefore = wals[newLeader].lastPosition(1).index();

            RaftReplicationResult retry = retryAt(cluster, newLeader, "order-1", id);
            RaftReplicationResult next = cluster.write(1, "order-2", id.next());

            assertThat(first.success()).isTrue();
            assertThat(retry).isEqualTo(first);
            assertThat(next.logIndex()).as("the retry appended nothing").isEqualTo(lastBefore + 1);
            cluster.startNode(oldLeader);
            awaitOnEveryNode(cluster, "order-2");
            for (int n = 0; n < 3; n++) {
                assertThat(copiesOf(cluster, n, "order-1")).as("node %d", n).isEqualTo(1);
            }
        }
    }

    @Test
    void retryAfterEveryNodeRestartedPastACompactionReturnsTheOriginalResult() throws Exception {
        try (TestCluster cluster = cluster().tuning(b -> b.compactionIntervalMillis(50)).build().start()) {
            RaftReplicationResult first = cluster.write(1, "order-1", RequestId.of(CLIENT, 1));
            RaftReplicationResult second = cluster.write(1, "order-2", RequestId.of(CLIENT, 2));
            int leader = cluster.awaitLeader(1);
            long checkpoint = cluster.node(leader).replicateCheckpoint(1)
                    .get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS).logIndex();
            for (IWAL wal : wals) {
                await().atMost(TestCluster.WAIT).until(() -> wal.compactedUpTo(1).index() >= checkpoint);
            }
            for (int n = 0; n < 3; n++) {
                cluster.stopNode(n);
            }
            cluster.start();

            RaftReplicationResult retried = cluster.write(1, "order-2", RequestId.of(CLIENT, 2));
            RaftReplicationResult older = cluster.write(1, "order-1", RequestId.of(CLIENT, 1));
            RaftReplicationResult third = cluster.write(1, "order-3", RequestId.of(CLIENT, 3));

            assertThat(retried).as("answered from the stored sessions: the entry is compacted").isEqualTo(second);
            assertThat(older).isEqualTo(first);
            assertThat(third.logIndex()).isGreaterThan(checkpoint);
            awaitOnEveryNode(cluster, "order-3");
            for (int n = 0; n < 3; n++) {
                assertThat(cluster.history(n, 1)).extracting(RaftLog::data).extracting(String::new)
                        .as("compacted entries are not replayed; nothing is delivered twice")
                        .containsExactly("order-3");
            }
        }
    }

    @Test
    void sessionExpiresAfterItsTimeToLiveOfLogTime() {
        try (TestCluster cluster = cluster().tuning(b -> b.sessionTtlMillis(20)).build().start()) {
            RaftReplicationResult first = cluster.write(1, "a-1", RequestId.of(CLIENT, 1));
            // Other writes move log time on while the client stays silent.
            int[] ticks = {0};
            await().atMost(TestCluster.WAIT).until(() -> cluster.write(1, "tick-" + ticks[0]++).ticket().physical()
                    > first.ticket().physical() + 20);

            RaftReplicationResult late = cluster.write(1, "a-2", RequestId.of(CLIENT, 2));
            RaftReplicationResult renewed = cluster.write(1, "a-2", RequestId.of(CLIENT + 1, 1));

            assertThat(late.status()).isEqualTo(RaftOperationStatus.SessionExpired);
            assertThat(renewed.success()).as("a client that starts over with a new id is served").isTrue();
            awaitOnEveryNode(cluster, "a-2");
            for (int n = 0; n < 3; n++) {
                assertThat(copiesOf(cluster, n, "a-2")).isEqualTo(1);
            }
        }
    }

    @Test
    void sessionsBeyondTheLimitAndResultsBeyondTheWindowAreRefusedByName() {
        try (TestCluster cluster = cluster().tuning(b -> b.maxClientSessions(1).sessionResults(1)).build()
                .start()) {
            cluster.write(1, "a-1", RequestId.of(CLIENT, 1));
            cluster.write(1, "a-2", RequestId.of(CLIENT, 2));
            assertThat(cluster.write(1, "a-1", RequestId.of(CLIENT, 1)).status())
                    .isEqualTo(RaftOperationStatus.DuplicateTooOld);

            cluster.write(1, "b-1", RequestId.of(CLIENT + 1, 1));

            assertThat(cluster.write(1, "a-3", RequestId.of(CLIENT, 3)).status()).as("evicted by b's session")
                    .isEqualTo(RaftOperationStatus.SessionExpired);
        }
    }
}
