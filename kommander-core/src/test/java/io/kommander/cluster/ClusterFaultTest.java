package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.RaftManager;
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

class ClusterFaultTest {

    private static List<String> writeSequentially(TestCluster cluster, int partition, String prefix, int count) {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String payload = prefix + i;
            cluster.write(partition, payload);
            written.add(payload);
        }
        return written;
    }

    private static void awaitHistory(TestCluster cluster, int node, int partition, List<String> expected) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, partition).size() >= expected.size());
        assertThat(cluster.history(node, partition)).extracting(TestCluster::text).containsExactlyElementsOf(expected);
    }

    @Test
    void leaderFailureElectsNewLeaderWithoutLosingCommittedEntries() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            List<String> expected = new ArrayList<>(writeSequentially(cluster, 1, "before-", 30));
            int oldLeader = cluster.awaitLeader(1);
            cluster.stopNode(oldLeader);
            expected.addAll(writeSequentially(cluster, 1, "after-", 30));
            assertThat(cluster.leaderOf(1)).isNotEqualTo(oldLeader);
            cluster.restartNode(oldLeader);
            for (int n = 0; n < 3; n++) {
                awaitHistory(cluster, n, 1, expected);
            }
        }
    }

    @Test
    void restartedFollowerRestoresDeliveredEntriesThenCatchesUp() {
        try (TestCluster cluster = TestCluster.inMemory(3, 2).start()) {
            List<String> first = writeSequentially(cluster, 1, "a-", 40);
            int follower = cluster.others(cluster.awaitLeader(1)).get(0);
            awaitHistory(cluster, follower, 1, first);
            cluster.stopNode(follower);
            List<String> second = writeSequentially(cluster, 1, "b-", 40);
            cluster.restartNode(follower);
            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            awaitHistory(cluster, follower, 1, all);
            // Entries delivered before the restart come back through onLogRestored, never as new deliveries.
            assertThat(cluster.restored(follower, 1)).extracting(TestCluster::text).containsExactlyElementsOf(first);
            assertThat(cluster.delivered(follower, 1)).extracting(TestCluster::text)
                    .containsExactlyElementsOf(second);
        }
    }

    @Test
    void laggingFollowerCatchesUpFromWalReadsBeyondTheLogCache() {
        try (TestCluster cluster = TestCluster.builder(3, 1).tuning(b -> b.logCacheEntries(8)).build().start()) {
            int follower = cluster.others(cluster.awaitLeader(1)).get(0);
            cluster.stopNode(follower);
            List<String> written = new ArrayList<>(ClusterReplicationTest.writeBurst(cluster, 1, 300));
            cluster.startNode(follower);
            awaitHistory(cluster, follower, 1, written);
        }
    }

    @Test
    void divergentSuffixOfIsolatedLeaderIsTruncatedAndNeverDelivered() {
        try (TestCluster cluster = TestCluster.builder(3, 1).tuning(b -> b.proposalTimeoutMillis(60_000))
                .build().start()) {
            List<String> expected = new ArrayList<>(writeSequentially(cluster, 1, "ok-", 10));
            int oldLeader = cluster.awaitLeader(1);
            for (int other : cluster.others(oldLeader)) {
                cluster.network().partition(cluster.endpoint(oldLeader), cluster.endpoint(other));
            }
            List<CompletableFuture<RaftReplicationResult>> doomed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                doomed.add(cluster.node(oldLeader).replicateLogs(1, "test",
                        ("doomed-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            await().atMost(TestCluster.WAIT).until(() -> cluster.others(oldLeader).stream()
                    .anyMatch(n -> cluster.node(n).amILeaderQuick(1)));
            expected.addAll(writeSequentially(cluster, 1, "new-", 10));
            cluster.network().heal();
            for (int n = 0; n < 3; n++) {
                awaitHistory(cluster, n, 1, expected);
            }
            for (CompletableFuture<RaftReplicationResult> f : doomed) {
                assertThat(f.join().success()).isFalse();
            }
            for (int n = 0; n < 3; n++) {
                assertThat(cluster.history(n, 1)).extracting(TestCluster::text).noneMatch(t -> t.startsWith("doomed"));
            }
        }
    }

    @Test
    void minorityPartitionMakesNoProgressWhileMajorityDoes() {
        try (TestCluster cluster = TestCluster.inMemory(5, 1).start()) {
            List<String> expected = new ArrayList<>(writeSequentially(cluster, 1, "x-", 5));
            int leader = cluster.awaitLeader(1);
            List<Integer> others = cluster.others(leader);
            List<Integer> minority = List.of(others.get(0), others.get(1));
            for (int m : minority) {
                for (int n : cluster.others(m)) {
                    cluster.network().partition(cluster.endpoint(m), cluster.endpoint(n));
                }
            }
            expected.addAll(writeSequentially(cluster, 1, "y-", 20));
            for (int m : minority) {
                assertThat(cluster.history(m, 1)).hasSizeLessThanOrEqualTo(5);
                RaftReplicationResult refused = cluster.node(m).replicateLogs(1, "test", new byte[1]).join();
                assertThat(refused.success()).isFalse();
            }
            cluster.network().heal();
            for (int n = 0; n < 5; n++) {
                awaitHistory(cluster, n, 1, expected);
            }
        }
    }

    @Test
    void manualCommitAndRollbackAreNewEntriesThatReferenceTheTicket() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            int leader = cluster.awaitLeader(1);
            RaftManager node = cluster.node(leader);
            RaftReplicationResult kept = node.replicateLogs(1, "order", "keep".getBytes(), false).join();
            RaftReplicationResult dropped = node.replicateLogs(1, "order", "drop".getBytes(), false).join();
            assertThat(kept.success()).isTrue();
            RaftReplicationResult commit = node.commitLogs(1, kept.ticket()).join();
            RaftReplicationResult rollback = node.rollbackLogs(1, dropped.ticket()).join();
            assertThat(commit.success()).isTrue();
            assertThat(rollback.success()).isTrue();
            assertThat(commit.logIndex()).isGreaterThan(kept.logIndex());
            assertThat(node.commitLogs(1, kept.ticket()).join())
                    .as("committing again answers what the first commit answered")
                    .isEqualTo(commit);
            assertThat(node.commitLogs(1, new io.kommander.time.HLCTimestamp(1, 1, 1)).join().status())
                    .isEqualTo(RaftOperationStatus.ProposalNotFound);
            for (int n = 0; n < 3; n++) {
                int nodeIndex = n;
                await().atMost(TestCluster.WAIT).until(() -> cluster.delivered(nodeIndex, 1).size() >= 4);
                List<RaftLog> logs = cluster.delivered(n, 1);
                assertThat(logs).extracting(RaftLog::kind).containsExactly(io.kommander.RaftLogType.Proposed,
                        io.kommander.RaftLogType.Proposed, io.kommander.RaftLogType.Committed,
                        io.kommander.RaftLogType.RolledBack);
                assertThat(logs.get(2).time()).isEqualTo(kept.ticket());
                assertThat(logs.get(3).time()).isEqualTo(dropped.ticket());
                assertThat(logs.get(2).applicationType()).isEqualTo("order");
            }
        }
    }

    @Test
    void checkpointAllowsCompactionOnEveryNodeAndRestartStillRestores() {
        java.util.Map<Integer, io.kommander.wal.InMemoryWAL> wals = new java.util.concurrent.ConcurrentHashMap<>();
        try (TestCluster cluster = TestCluster.builder(3, 1)
                .tuning(b -> b.compactionIntervalMillis(50))
                .wal((n, previous) -> {
                    io.kommander.wal.InMemoryWAL wal = previous == null ? new io.kommander.wal.InMemoryWAL()
                            : ((io.kommander.wal.InMemoryWAL) previous).reopen();
                    wals.put(n, wal);
                    return wal;
                }).build().start()) {
            List<String> expected = new ArrayList<>(writeSequentially(cluster, 1, "c-", 50));
            int leader = cluster.awaitLeader(1);
            RaftReplicationResult checkpoint = cluster.node(leader).replicateCheckpoint(1).join();
            assertThat(checkpoint.success()).isTrue();
            expected.addAll(writeSequentially(cluster, 1, "d-", 5));
            for (int n = 0; n < 3; n++) {
                int node = n;
                await().atMost(TestCluster.WAIT).until(() ->
                        wals.get(node).compactedUpTo(1).index() == checkpoint.logIndex());
                assertThat(cluster.delivered(node, 1)).extracting(RaftLog::kind)
                        .contains(io.kommander.RaftLogType.CommittedCheckpoint);
            }
            int follower = cluster.others(leader).get(0);
            cluster.restartNode(follower);
            expected.addAll(writeSequentially(cluster, 1, "e-", 5));
            await().atMost(TestCluster.WAIT).until(() -> cluster.history(follower, 1).stream()
                    .filter(l -> l.kind() != io.kommander.RaftLogType.CommittedCheckpoint).count() >= 5);
            assertThat(cluster.restored(follower, 1)).allMatch(l -> l.index() > checkpoint.logIndex());
            assertThat(cluster.history(follower, 1)).extracting(TestCluster::text).endsWith("e-0", "e-1", "e-2",
                    "e-3", "e-4");
        }
    }

    @Test
    void fullClientQueueRefusesWithProposalQueueFullAndLosesNothingAccepted() {
        try (TestCluster cluster = TestCluster.builder(3, 1).tuning(b -> b.maxClientQueue(4)).build().start()) {
            int leader = cluster.awaitLeader(1);
            List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                futures.add(cluster.node(leader).replicateLogs(1, "test", ("q" + i).getBytes()));
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
                        .containsExactlyInAnyOrderElementsOf(accepted);
            }
        }
    }

    @Test
    void confirmLeadershipSucceedsOnLeaderOnlyAndTransferMovesLeadership() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            cluster.write(1, "w");
            int leader = cluster.awaitLeader(1);
            int follower = cluster.others(leader).get(0);
            assertThat(cluster.node(leader).confirmLeadership(1).join()).isTrue();
            assertThat(cluster.node(follower).confirmLeadership(1).join()).isFalse();
            assertThat(cluster.node(leader).transferLeadership(1, cluster.endpoint(follower)).join())
                    .isEqualTo(RaftOperationStatus.Success);
            await().atMost(TestCluster.WAIT).until(() -> cluster.node(follower).amILeaderQuick(1));
            assertThat(cluster.node(follower).waitForLeader(1, java.time.Duration.ofSeconds(5)).join())
                    .isEqualTo(cluster.endpoint(follower));
        }
    }
}
