package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.WriteOutcome;
import io.kommander.testing.TestCluster;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Manual proposals through whole clusters: tickets, settling, failures, compaction, restarts, time-to-live. */
class ManualProposalTest {

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Waits until every node has delivered (or restored) an entry of {@code kind} with {@code ticket}. */
    private static void awaitEverywhere(TestCluster cluster, RaftLogType kind, HLCTimestamp ticket) {
        for (int n = 0; n < cluster.size(); n++) {
            int node = n;
            await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, 1).stream()
                    .anyMatch(log -> log.kind() == kind && log.time().equals(ticket)));
        }
    }

    /**
     * A cluster whose leaders stay where elections and transfers put them: these tests move leadership by hand, and a
     * hand-over to a preferred leader in the middle of one would take it elsewhere.
     */
    private static TestCluster.Builder cluster() {
        return TestCluster.builder(3, 1).tuning(b -> b.leaderBalancing(false));
    }

    @Test
    void aNewLeaderWhoseClockIsBehindNeverReissuesAnOpenTicket() {
        SteeredClocks clocks = new SteeredClocks();
        try (TestCluster cluster = cluster().runtime(clocks::runtime).build().start()) {
            int first = cluster.awaitLeader(1);
            int second = (first + 1) % 3;
            // Frozen clocks: no election or heartbeat from now on but those the test causes.
            long now = System.currentTimeMillis();
            for (int n = 0; n < 3; n++) {
                clocks.freeze(n, n == second ? now - 5 : now);
            }
            RaftReplicationResult a = cluster.node(first).replicateLogs(1, "a", bytes("a"), false).join();
            assertThat(a.success()).isTrue();
            assertThat(cluster.node(first).transferLeadership(1, cluster.endpoint(second)).join())
                    .isEqualTo(RaftOperationStatus.Success);
            await().atMost(TestCluster.WAIT).until(() -> cluster.leaderOf(1) == second);
            RaftManager leader = cluster.node(second);
            assertThat(leader.replicateLogs(1, "b", bytes("behind"), false).join().success()).isTrue();
            // The second leader's clock now reads what the first one's read when it issued ticket a.
            clocks.freeze(second, now);
            RaftReplicationResult b = leader.replicateLogs(1, "b", bytes("b"), false).join();
            assertThat(b.success()).isTrue();
            assertThat(b.ticket()).isNotEqualTo(a.ticket());
            assertThat(leader.rollbackLogs(1, b.ticket()).join().success()).isTrue();
            assertThat(leader.commitLogs(1, a.ticket()).join().status()).isEqualTo(RaftOperationStatus.Success);
            // Heartbeats carry the last commit index to the followers.
            for (int n = 0; n < 3; n++) {
                clocks.resume(n);
            }
            awaitEverywhere(cluster, RaftLogType.Committed, a.ticket());
            awaitEverywhere(cluster, RaftLogType.RolledBack, b.ticket());
        }
    }

    @Test
    void aFailedLeaderWriteThatMayStillCommitCarriesItsTicket() {
        Map<Integer, FailingWal> wals = new ConcurrentHashMap<>();
        try (TestCluster cluster = cluster().wal((n, previous) -> {
            FailingWal wal = new FailingWal();
            wals.put(n, wal);
            return wal;
        }).build().start()) {
            int leader = cluster.awaitLeader(1);
            // The leader sends the entry to its followers while its own write is in flight; that write fails.
            wals.get(leader).failNextWrite(batch -> batch.writes().stream().anyMatch(w -> w.partition() == 1
                    && w.entries().stream().anyMatch(e -> e.kind() == EntryKind.PROPOSED)));
            RaftReplicationResult failed = cluster.node(leader).replicateLogs(1, "order", bytes("x"), false).join();
            assertThat(failed.status()).isEqualTo(RaftOperationStatus.ReplicationFailed);
            assertThat(failed.outcome()).as("the followers may hold it").isEqualTo(WriteOutcome.UNKNOWN);
            assertThat(failed.ticket()).isNotEqualTo(HLCTimestamp.ZERO);
            awaitEverywhere(cluster, RaftLogType.Proposed, failed.ticket());
            await().atMost(TestCluster.WAIT).until(() -> {
                int next = cluster.leaderOf(1);
                return next >= 0 && cluster.node(next).commitLogs(1, failed.ticket()).join().success();
            });
            awaitEverywhere(cluster, RaftLogType.Committed, failed.ticket());
        }
    }

    @Test
    void anOpenTicketHoldsCheckpointsBackAndSurvivesARestartOfEveryNode() {
        Map<Integer, InMemoryWAL> wals = new ConcurrentHashMap<>();
        try (TestCluster cluster = cluster()
                .tuning(b -> b.compactionIntervalMillis(50))
                .wal((n, previous) -> {
                    InMemoryWAL wal = previous == null ? new InMemoryWAL() : ((InMemoryWAL) previous).reopen();
                    wals.put(n, wal);
                    return wal;
                }).build().start()) {
            int leader = cluster.awaitLeader(1);
            RaftReplicationResult open = cluster.node(leader).replicateLogs(1, "order", bytes("o"), false).join();
            assertThat(open.success()).isTrue();
            RaftReplicationResult refused = cluster.node(leader).replicateCheckpoint(1).join();
            assertThat(refused.status()).isEqualTo(RaftOperationStatus.ActiveProposal);
            assertThat(refused.outcome()).isEqualTo(WriteOutcome.NOT_APPENDED);
            for (int n = 0; n < 3; n++) {
                cluster.restartNode(n);
            }
            RaftReplicationResult[] commit = new RaftReplicationResult[1];
            await().atMost(TestCluster.WAIT).until(() -> {
                int next = cluster.leaderOf(1);
                commit[0] = next < 0 ? null : cluster.node(next).commitLogs(1, open.ticket()).join();
                return commit[0] != null && commit[0].outcome() != WriteOutcome.NOT_APPENDED;
            });
            assertThat(commit[0].status()).isEqualTo(RaftOperationStatus.Success);
            RaftReplicationResult checkpoint = cluster.node(cluster.awaitLeader(1)).replicateCheckpoint(1).join();
            assertThat(checkpoint.status()).as("nothing is open any more").isEqualTo(RaftOperationStatus.Success);
            await().atMost(TestCluster.WAIT).until(() -> wals.values().stream()
                    .allMatch(w -> w.compactedUpTo(1).index() >= checkpoint.logIndex()));
        }
    }

    @Test
    void settlingTwiceAnswersWhatTheFirstSettlementAnsweredEvenAfterARestart() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            RaftManager node = cluster.node(cluster.awaitLeader(1));
            RaftReplicationResult kept = node.replicateLogs(1, "order", bytes("keep"), false).join();
            RaftReplicationResult first = node.commitLogs(1, kept.ticket()).join();
            assertThat(first.success()).isTrue();
            assertThat(node.commitLogs(1, kept.ticket()).join()).isEqualTo(first);
            assertThat(node.rollbackLogs(1, kept.ticket()).join().status())
                    .isEqualTo(RaftOperationStatus.ProposalNotFound);
            for (int n = 0; n < 3; n++) {
                cluster.restartNode(n);
            }
            await().atMost(TestCluster.WAIT).until(() -> {
                int leader = cluster.leaderOf(1);
                return leader >= 0 && cluster.node(leader).commitLogs(1, kept.ticket()).join().equals(first);
            });
            awaitEverywhere(cluster, RaftLogType.Committed, kept.ticket());
            for (int n = 0; n < 3; n++) {
                assertThat(cluster.history(n, 1)).filteredOn(log -> log.time().equals(kept.ticket()))
                        .as("one proposal, one commit").extracting(RaftLog::kind)
                        .containsExactly(RaftLogType.Proposed, RaftLogType.Committed);
            }
        }
    }

    @Test
    void anAbandonedProposalIsRolledBackOnceItsTimeToLiveHasPassed() {
        SteeredClocks clocks = new SteeredClocks();
        try (TestCluster cluster = cluster().runtime(clocks::runtime).build().start()) {
            int leader = cluster.awaitLeader(1);
            RaftReplicationResult abandoned = cluster.node(leader).replicateLogs(1, "order", bytes("a"), false)
                    .join();
            assertThat(abandoned.success()).isTrue();
            awaitEverywhere(cluster, RaftLogType.Proposed, abandoned.ticket());
            assertThat(cluster.history(leader, 1)).noneMatch(log -> log.kind() == RaftLogType.RolledBack);
            clocks.run(leader, Duration.ofMinutes(10).toMillis());
            awaitEverywhere(cluster, RaftLogType.RolledBack, abandoned.ticket());
        }
    }
}
