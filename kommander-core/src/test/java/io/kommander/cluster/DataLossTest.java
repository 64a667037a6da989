package io.kommander.cluster;

import io.kommander.RaftLog;
import io.kommander.internal.partition.RaftRole;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that lost its data (its data folder deleted, restarted with the same configuration) on the deterministic
 * simulator: it rejoins and is rebuilt from the log, votes only once caught up, and a cluster of nodes that all
 * start without data still bootstraps. The simulator's {@code WipeMonitor} checks, at every event, that a wiped
 * replica grants no vote and stands for no election before it holds what was committed before its wipe.
 */
class DataLossTest {

    private static List<String> texts(List<RaftLog> logs) {
        return logs.stream().map(SimCluster::text).toList();
    }

    /** The user's report: compaction never ran (no checkpoint), a follower wiped, 500 writes meanwhile. */
    @Test
    void followerWhoseDataFolderWasDeletedRejoinsAndDeliversEveryEntry() {
        SimCluster cluster = SimCluster.builder(3, 1).tuning(b -> b.compactionIntervalMillis(50)).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "before-", 20));
        int leader = cluster.awaitLeader(1);
        int follower = cluster.others(leader).get(0);
        cluster.awaitHistory(follower, 1, 20);
        cluster.wipe(follower);
        cluster.restart(follower);
        expected.addAll(cluster.writeBurst(1, "meanwhile-", 500));

        assertThat(cluster.awaitHistory(follower, 1, expected.size())).containsExactlyElementsOf(expected);
        assertThat(cluster.restored(follower, 1)).as("nothing left to restore after the wipe").isEmpty();
        assertThat(texts(cluster.delivered(follower, 1))).containsExactlyElementsOf(expected);
        int current = cluster.awaitLeader(1);
        long last = cluster.<Long>inspect(current, 1, m -> m.lastIndex());
        cluster.runUntil("the leader knows the wiped follower holds its whole log", () -> cluster.<Long>inspect(current,
                1, m -> m.followerMatchIndices().get(cluster.endpoint(follower))) >= last);

        // The compaction floor moves again: a checkpoint now is compacted on every node, the rebuilt one included.
        long checkpoint = cluster.await(cluster.node(current).replicateCheckpoint(1)).logIndex();
        for (int n = 0; n < 3; n++) {
            int node = n;
            cluster.runUntil("node " + node + " compacted to the checkpoint",
                    () -> cluster.compactedUpTo(node, 1).index() >= checkpoint);
        }
    }

    @Test
    void wipedNodeDoesNotVoteUntilCaughtUpThenVotesAgain() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "a-", 30));
        int leader = cluster.awaitLeader(1);
        int wiped = cluster.others(leader).get(0);
        int other = cluster.others(leader).get(1);
        cluster.wipe(wiped);
        cluster.isolate(leader);
        cluster.launchAgain(wiped);
        // The other node campaigns; the wiped one, which cannot know what it acknowledged, refuses its votes.
        cluster.runFor(Duration.ofSeconds(3));
        assertThat(cluster.node(other).amILeaderQuick(1)).isFalse();
        assertThat(cluster.node(wiped).amILeaderQuick(1)).isFalse();
        RaftRole role = cluster.inspect(other, 1, m -> m.role());
        assertThat(role).isNotEqualTo(RaftRole.LEADER);

        cluster.heal();
        cluster.runUntil("the wiped node joined", () -> cluster.joined(wiped));
        expected.addAll(cluster.writeSequentially(1, "b-", 10));
        assertThat(cluster.awaitHistory(wiped, 1, expected.size())).containsExactlyElementsOf(expected);

        // Caught up, it votes again: without the leader, the other two elect one of themselves.
        int current = cluster.awaitLeader(1);
        cluster.isolate(current);
        cluster.runUntil("a leader among the other two", () -> cluster.others(current).stream()
                .anyMatch(n -> cluster.node(n).amILeaderQuick(1)));
        cluster.heal();
        expected.addAll(cluster.writeSequentially(1, "c-", 5));
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.awaitHistory(n, 1, expected.size())).containsSubsequence(expected.subList(30, 45));
        }
    }

    @Test
    void threeNodesWithoutDataBootstrap() {
        SimCluster cluster = SimCluster.builder(3, 2).start();
        cluster.writeSequentially(1, "x-", 3);
        cluster.writeSequentially(2, "y-", 3);
        assertThat(cluster.awaitHistory(2, 2, 3)).containsExactly("y-0", "y-1", "y-2");
    }

    @Test
    void twoOfThreeNodesWithoutDataBootstrapAndTheThirdCatchesUpLater() {
        SimCluster cluster = SimCluster.builder(3, 1).startNodes(0, 1);
        List<String> written = cluster.writeSequentially(1, "x-", 10);
        cluster.restart(2);
        assertThat(cluster.awaitHistory(2, 1, 10)).containsExactlyElementsOf(written);
    }

    @Test
    void oneNodeWithoutDataWaitsForAMajorityBeforeItDecidesThisIsAFirstStart() {
        SimCluster cluster = SimCluster.builder(3, 1).startNodes();
        cluster.launchAgain(0);
        cluster.runFor(Duration.ofSeconds(2));
        assertThat(cluster.joined(0)).as("alone, it cannot tell a first start from a lost disk").isFalse();
        long term = cluster.inspect(0, 0, m -> m.term());
        assertThat(term).as("it never campaigned").isZero();
        cluster.restart(1);
        cluster.runUntil("node 0 joined", () -> cluster.joined(0));
        cluster.writeSequentially(1, "x-", 3);
    }
}
