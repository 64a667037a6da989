package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;
import io.kommander.time.HLCTimestamp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol scenarios under faults — leader failure, restarts, catch-up, divergent suffixes, minority partitions,
 * manual commit, checkpoints, back-pressure, ReadIndex and transfer — on the deterministic simulator
 * ({@link SimCluster}): real nodes, virtual time, and Raft's safety properties checked at every event.
 */
class ClusterFaultTest {

    private static void assertHistory(SimCluster cluster, int node, int partition, List<String> expected) {
        assertThat(cluster.awaitHistory(node, partition, expected.size()))
                .as("history of node %d, partition %d", node, partition).containsExactlyElementsOf(expected);
    }

    private static List<String> texts(List<RaftLog> logs) {
        return logs.stream().map(SimCluster::text).toList();
    }

    @Test
    void leaderFailureElectsNewLeaderWithoutLosingCommittedEntries() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "before-", 30));
        int oldLeader = cluster.awaitLeader(1);
        cluster.crash(oldLeader);
        expected.addAll(cluster.writeSequentially(1, "after-", 30));
        assertThat(cluster.leaderOf(1)).isNotEqualTo(oldLeader).isNotNegative();
        cluster.restart(oldLeader);
        for (int n = 0; n < 3; n++) {
            assertHistory(cluster, n, 1, expected);
        }
    }

    @Test
    void restartedFollowerRestoresDeliveredEntriesThenCatchesUp() {
        SimCluster cluster = SimCluster.builder(3, 2).start();
        List<String> first = cluster.writeSequentially(1, "a-", 40);
        int follower = cluster.others(cluster.awaitLeader(1)).get(0);
        assertHistory(cluster, follower, 1, first);
        cluster.crash(follower);
        List<String> second = cluster.writeSequentially(1, "b-", 40);
        cluster.restart(follower);
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertHistory(cluster, follower, 1, all);
        // Entries delivered before the crash come back through onLogRestored, never as new deliveries.
        assertThat(texts(cluster.restored(follower, 1))).containsExactlyElementsOf(first);
        assertThat(texts(cluster.delivered(follower, 1))).containsExactlyElementsOf(second);
    }

    @Test
    void laggingFollowerCatchesUpFromWalReadsBeyondTheLogCache() {
        SimCluster cluster = SimCluster.builder(3, 1).tuning(b -> b.logCacheEntries(8)).start();
        int follower = cluster.others(cluster.awaitLeader(1)).get(0);
        cluster.crash(follower);
        List<String> written = cluster.writeBurst(1, "p1-", 300);
        cluster.restart(follower);
        assertHistory(cluster, follower, 1, written);
    }

    @Test
    void divergentSuffixOfIsolatedLeaderIsTruncatedAndNeverDelivered() {
        SimCluster cluster = SimCluster.builder(3, 1).tuning(b -> b.proposalTimeoutMillis(60_000)).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "ok-", 10));
        int oldLeader = cluster.awaitLeader(1);
        cluster.isolate(oldLeader);
        List<CompletableFuture<RaftReplicationResult>> doomed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            doomed.add(cluster.node(oldLeader).replicateLogs(1, "test",
                    ("doomed-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        cluster.runUntil("a node of the majority leads", () -> cluster.others(oldLeader).stream()
                .anyMatch(n -> cluster.node(n).amILeaderQuick(1)));
        assertThat(cluster.durableLog(oldLeader, 1)).extracting(SimCluster::text)
                .as("the isolated leader's own log has the divergent suffix")
                .contains("doomed-0", "doomed-1", "doomed-2", "doomed-3", "doomed-4");
        expected.addAll(cluster.writeSequentially(1, "new-", 10));
        cluster.heal();
        for (int n = 0; n < 3; n++) {
            assertHistory(cluster, n, 1, expected);
        }
        for (RaftReplicationResult result : cluster.awaitAll(doomed)) {
            assertThat(result.success()).isFalse();
        }
        for (int n = 0; n < 3; n++) {
            assertThat(texts(cluster.history(n, 1))).noneMatch(t -> t.startsWith("doomed"));
            assertThat(cluster.durableLog(n, 1)).extracting(SimCluster::text).noneMatch(t -> t.startsWith("doomed"));
        }
    }

    @Test
    void minorityPartitionMakesNoProgressWhileMajorityDoes() {
        SimCluster cluster = SimCluster.builder(5, 1).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "x-", 5));
        int leader = cluster.awaitLeader(1);
        List<Integer> minority = cluster.others(leader).subList(0, 2);
        List<Integer> majority = new ArrayList<>(cluster.others(minority.get(0), minority.get(1)));
        cluster.partition(minority, majority);
        expected.addAll(cluster.writeSequentially(1, "y-", 20));
        cluster.runFor(Duration.ofSeconds(2));
        for (int m : minority) {
            assertThat(cluster.history(m, 1)).hasSizeLessThanOrEqualTo(5);
            RaftReplicationResult refused = cluster.await(cluster.node(m).replicateLogs(1, "test", new byte[1]));
            assertThat(refused.success()).isFalse();
        }
        cluster.heal();
        for (int n = 0; n < 5; n++) {
            assertHistory(cluster, n, 1, expected);
        }
    }

    @Test
    void manualCommitAndRollbackAreNewEntriesThatReferenceTheTicket() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        IRaft node = cluster.node(cluster.awaitLeader(1));
        RaftReplicationResult kept = cluster.await(node.replicateLogs(1, "order", "keep".getBytes(), false));
        RaftReplicationResult dropped = cluster.await(node.replicateLogs(1, "order", "drop".getBytes(), false));
        assertThat(kept.success()).isTrue();
        assertThat(dropped.success()).isTrue();
        RaftReplicationResult commit = cluster.await(node.commitLogs(1, kept.ticket()));
        RaftReplicationResult rollback = cluster.await(node.rollbackLogs(1, dropped.ticket()));
        assertThat(commit.success()).isTrue();
        assertThat(rollback.success()).isTrue();
        assertThat(commit.logIndex()).isGreaterThan(kept.logIndex());
        assertThat(cluster.await(node.commitLogs(1, kept.ticket())))
                .as("committing again answers what the first commit answered")
                .isEqualTo(commit);
        assertThat(cluster.await(node.commitLogs(1, new HLCTimestamp(1, 1, 1))).status())
                .isEqualTo(RaftOperationStatus.ProposalNotFound);
        for (int n = 0; n < 3; n++) {
            int nodeIndex = n;
            cluster.runUntil("node " + n + " delivered 4 entries", () -> cluster.delivered(nodeIndex, 1).size() >= 4);
            List<RaftLog> logs = cluster.delivered(n, 1);
            assertThat(logs).extracting(RaftLog::kind).containsExactly(RaftLogType.Proposed, RaftLogType.Proposed,
                    RaftLogType.Committed, RaftLogType.RolledBack);
            assertThat(logs.get(2).time()).isEqualTo(kept.ticket());
            assertThat(logs.get(3).time()).isEqualTo(dropped.ticket());
            assertThat(logs.get(2).applicationType()).isEqualTo("order");
        }
    }

    @Test
    void checkpointAllowsCompactionOnEveryNodeAndRestartStillRestores() {
        SimCluster cluster = SimCluster.builder(3, 1).tuning(b -> b.compactionIntervalMillis(50)).start();
        cluster.writeSequentially(1, "c-", 50);
        int leader = cluster.awaitLeader(1);
        RaftReplicationResult checkpoint = cluster.await(cluster.node(leader).replicateCheckpoint(1));
        assertThat(checkpoint.success()).isTrue();
        cluster.writeSequentially(1, "d-", 5);
        for (int n = 0; n < 3; n++) {
            int node = n;
            cluster.runUntil("node " + n + " compacted up to the checkpoint",
                    () -> cluster.compactedUpTo(node, 1).index() == checkpoint.logIndex());
            assertThat(cluster.delivered(node, 1)).extracting(RaftLog::kind)
                    .contains(RaftLogType.CommittedCheckpoint);
        }
        int follower = cluster.others(leader).get(0);
        assertThat(cluster.awaitHistory(follower, 1, 56)).endsWith("d-0", "d-1", "d-2", "d-3", "d-4");
        cluster.crashAfterSync(follower);
        cluster.restart(follower);
        List<String> last = cluster.writeSequentially(1, "e-", 5);
        cluster.runUntil("the restarted follower has every e- entry",
                () -> texts(cluster.history(follower, 1)).containsAll(last));
        // Only what follows the checkpoint is replayed: the compacted prefix is gone from the follower's disk.
        assertThat(cluster.restored(follower, 1)).allMatch(l -> l.index() > checkpoint.logIndex());
        assertThat(texts(cluster.restored(follower, 1))).containsExactly("d-0", "d-1", "d-2", "d-3", "d-4");
        assertThat(texts(cluster.history(follower, 1))).endsWith("e-0", "e-1", "e-2", "e-3", "e-4");
    }

    @Test
    void fullClientQueueRefusesWithProposalQueueFullAndLosesNothingAccepted() {
        SimCluster cluster = SimCluster.builder(3, 1).tuning(b -> b.maxClientQueue(4)).start();
        IRaft leader = cluster.node(cluster.awaitLeader(1));
        List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(leader.replicateLogs(1, "test", ("q" + i).getBytes(StandardCharsets.UTF_8)));
        }
        List<RaftReplicationResult> results = cluster.awaitAll(futures);
        // Nothing drains the queue between calls made at one instant: exactly the first four are admitted.
        assertThat(results.subList(0, 4)).allMatch(RaftReplicationResult::success);
        assertThat(results.subList(4, 50)).extracting(RaftReplicationResult::status)
                .containsOnly(RaftOperationStatus.ProposalQueueFull);
        List<String> accepted = List.of("q0", "q1", "q2", "q3");
        for (int n = 0; n < 3; n++) {
            assertHistory(cluster, n, 1, accepted);
        }
        // Once the queue drained, the leader admits again.
        RaftReplicationResult later = cluster.await(leader.replicateLogs(1, "test", "q50".getBytes()));
        assertThat(later.success()).isTrue();
    }

    @Test
    void confirmLeadershipSucceedsOnLeaderOnlyAndTransferMovesLeadership() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        cluster.write(1, "w");
        int leader = cluster.awaitLeader(1);
        int follower = cluster.others(leader).get(0);
        assertThat(cluster.await(cluster.node(leader).confirmLeadership(1))).isTrue();
        assertThat(cluster.await(cluster.node(follower).confirmLeadership(1))).isFalse();
        assertThat(cluster.await(cluster.node(leader).transferLeadership(1, cluster.endpoint(follower))))
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("the target leads", () -> cluster.node(follower).amILeaderQuick(1));
        assertThat(cluster.await(cluster.node(follower).waitForLeader(1, Duration.ofSeconds(5))))
                .isEqualTo(cluster.endpoint(follower));
        assertThat(cluster.await(cluster.node(follower).confirmLeadership(1))).isTrue();
        assertThat(cluster.await(cluster.node(leader).confirmLeadership(1))).isFalse();
        cluster.write(1, "after-transfer");
        for (int n = 0; n < 3; n++) {
            assertHistory(cluster, n, 1, List.of("w", "after-transfer"));
        }
    }
}
