package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.Member;
import io.kommander.Membership;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Node-level membership on the deterministic simulator: nodes join a running cluster (learner, then voter) and
 * leave it (handed over, taken out of every partition, then out of the roster) while writes go on; refused changes
 * say why; every node sees the same roster changes in the same order.
 */
class MembershipTest {

    private static final int PARTITIONS = 2;

    @Test
    void joiningNodeIsALearnerUntilCaughtUpThenAVoterOfEveryPartition() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).spares(1).start();
        List<String> before = cluster.writeSequentially(1, "before-", 150);

        CompletableFuture<Void> joined = cluster.join(3);
        cluster.runUntil("node 3 is in the roster", () -> membership(cluster, 0).member(cluster.endpoint(3))
                .isPresent());
        assertThat(membership(cluster, 0).member(cluster.endpoint(3)).orElseThrow().role())
                .isEqualTo(Member.Role.LEARNER);
        cluster.await(joined);

        assertThat(membership(cluster, 3).member(cluster.endpoint(3)).orElseThrow().role())
                .isEqualTo(Member.Role.VOTER);
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2, 3));
        assertThat(cluster.awaitHistory(3, 1, before.size())).containsExactlyElementsOf(before);
    }

    @Test
    void clusterGrowsFromThreeToFiveAndShrinksBackUnderContinuousWrites() {
        SimCluster cluster = SimCluster.builder(5, PARTITIONS).spares(2).start();
        Map<Integer, List<String>> written = new HashMap<>();
        int[] counter = {0};

        writeWhile(cluster, written, counter, cluster.join(3));
        writeWhile(cluster, written, counter, cluster.join(4));
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2, 3, 4));
        assertThat(membership(cluster, 0).members()).hasSize(5);

        writeWhile(cluster, written, counter, removal(cluster, 4, 0));
        writeWhile(cluster, written, counter, removal(cluster, 3, 1));
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2));
        cluster.runUntil("every remaining node applied the last removal",
                () -> IntStream.rangeClosed(0, 2).allMatch(n -> membership(cluster, n).members().size() == 3));
        for (int n = 0; n <= 2; n++) {
            assertThat(membership(cluster, n).members()).extracting(Member::endpoint)
                    .containsExactly(cluster.endpoint(0), cluster.endpoint(1), cluster.endpoint(2));
        }

        for (int p = 1; p <= PARTITIONS; p++) {
            List<String> expected = written.getOrDefault(p, List.of());
            for (int n = 0; n <= 2; n++) {
                // Each acknowledged write exactly once, in the order it was acknowledged.
                assertThat(cluster.awaitHistory(n, p, expected.size())).as("node %d, partition %d", n, p)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void removingTheLeaderNodeHandsItsPartitionsOverAndWritesGoOn() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "a-", 20));
        int leader = cluster.awaitLeader(1);
        int other = cluster.others(leader).get(0);

        CompletableFuture<RaftOperationStatus> removed = cluster.node(other).removeMember(cluster.endpoint(leader));
        assertThat(cluster.await(removed)).isEqualTo(RaftOperationStatus.Success);

        List<Integer> rest = cluster.others(leader);
        awaitEveryPartitionVoters(cluster, rest);
        assertThat(cluster.awaitLeader(1)).isIn(rest);
        expected.addAll(cluster.writeSequentially(1, "b-", 20));
        for (int n : rest) {
            assertThat(cluster.awaitHistory(n, 1, expected.size())).containsExactlyElementsOf(expected);
            assertThat(membership(cluster, n).member(cluster.endpoint(leader))).isEmpty();
        }
    }

    /**
     * A member that leads a user partition and is cut off from partition 0's leader when its removal begins: it
     * learns that it is leaving only through partition 0's log, and must, to hand over the partition it leads (no
     * one else can take it out there). So partition 0 keeps it until no other partition holds it. Found by the
     * simulator's nodes mix (seed 64): partition 0 took the member out first, it never learned, and the removal
     * never ended.
     */
    @Test
    void aLeavingMemberThatLeadsAPartitionLearnsItIsLeavingAndHandsItOver() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).start();
        cluster.runUntil("partition 0 has a leader", () -> systemLeader(cluster) >= 0);
        int systemLeader = systemLeader(cluster);
        int leaving = cluster.others(systemLeader).get(0);
        if (cluster.awaitLeader(1) != leaving) {
            assertThat(cluster.await(cluster.node(cluster.leaderOf(1)).transferLeadership(1,
                    cluster.endpoint(leaving)))).isEqualTo(RaftOperationStatus.Success);
        }
        int asker = cluster.others(leaving, systemLeader).get(0);

        // Partition 0's leader cannot reach the leaving member while the removal starts; partition 1 still has a
        // majority with it (3 of 4), so it keeps leading there.
        cluster.partition(List.of(systemLeader), List.of(leaving));
        CompletableFuture<RaftOperationStatus> removed = cluster.node(asker).removeMember(cluster.endpoint(leaving));
        cluster.runUntil("the roster marks the member leaving", () -> membership(cluster, asker)
                .member(cluster.endpoint(leaving)).map(m -> m.role() == Member.Role.LEAVING).orElse(false));
        cluster.runFor(Duration.ofSeconds(1));
        cluster.heal();

        assertThat(cluster.await(removed)).isEqualTo(RaftOperationStatus.Success);
        awaitEveryPartitionVoters(cluster, cluster.others(leaving));
    }

    /**
     * A member down while another joined comes back with a roster that does not name the newcomer. If the newcomer
     * leads partition 0 (and another partition), the returning member hears the roster's news only from it: it must
     * take a leader's messages from a member its roster does not know yet. Found by the simulator's nodes mix (seed
     * 415): the returning member dropped them, and never caught up again.
     */
    @Test
    void aMemberThatMissedAJoinTakesTheNewcomerAsItsLeader() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).spares(1).start();
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "a-", 5));
        cluster.crash(2);
        cluster.await(cluster.join(3));
        cluster.runUntil("node 3 votes in every partition", () -> IntStream.rangeClosed(0, PARTITIONS)
                .allMatch(p -> cluster.view(3, p) != null && cluster.view(3, p).configuration() != null
                        && cluster.view(3, p).configuration().isVoter(cluster.endpoint(3))));
        for (int p = 0; p <= PARTITIONS; p++) {
            int partition = p;
            cluster.runUntil("partition " + p + " has a leader", () -> leader(cluster, partition) >= 0);
            int leader = leader(cluster, p);
            if (leader != 3) {
                assertThat(cluster.await(NodeSeams.partition((RaftNode) cluster.node(leader), p)
                        .transferLeadership(cluster.endpoint(3)))).isEqualTo(RaftOperationStatus.Success);
            }
        }
        expected.addAll(cluster.writeSequentially(1, "b-", 5));

        cluster.launchAgain(2);

        assertThat(cluster.awaitHistory(2, 1, expected.size())).containsExactlyElementsOf(expected);
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2, 3));
    }

    @Test
    void leaveClusterRemovesTheNodeThenClosesIt() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        int leader = cluster.awaitLeader(1);
        IRaft leaving = cluster.node(leader);

        assertThat(cluster.await(leaving.leaveCluster())).isEqualTo(RaftOperationStatus.Success);

        assertThat(cluster.await(leaving.replicateLogs(1, "t", new byte[1])).status())
                .isEqualTo(RaftOperationStatus.NodeClosed);
        awaitEveryPartitionVoters(cluster, cluster.others(leader));
    }

    @Test
    void refusedChangesSayWhy() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).spares(1).start();
        IRaft node0 = cluster.node(0);

        assertThat(cluster.await(node0.removeMember("nobody:1"))).isEqualTo(RaftOperationStatus.NotAMember);

        // While node 3 joins (a learner in the roster), no other change is taken.
        cluster.join(3);
        cluster.runUntil("node 3 is a learner", () -> membership(cluster, 0).member(cluster.endpoint(3))
                .map(m -> m.role() == Member.Role.LEARNER).orElse(false));
        assertThat(cluster.await(node0.removeMember(cluster.endpoint(1))))
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);

        SimCluster single = SimCluster.builder(1, 1).start();
        assertThat(single.await(single.node(0).leaveCluster())).isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(single.write(1, "after-the-refusal").success()).isTrue();
    }

    @Test
    void removalThatWouldLeaveTooFewCurrentVotersIsRefusedAndChangesNothing() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        cluster.runUntil("every member's node id is known", () -> membership(cluster, 0).members().stream()
                .allMatch(m -> m.nodeId() != 0));
        cluster.crash(2);
        cluster.runFor(java.time.Duration.ofSeconds(10));
        Membership before = membership(cluster, 0);

        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(1))))
                .isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(cluster.await(cluster.node(1).leaveCluster())).isEqualTo(RaftOperationStatus.TooFewVoters);

        cluster.runFor(java.time.Duration.ofSeconds(5));
        assertThat(membership(cluster, 0)).isEqualTo(before);
        assertThat(membership(cluster, 1)).isEqualTo(before);
        assertThat(cluster.write(1, "after-the-refusal").success()).isTrue();
        // The member that is down may still go: the two that remain are current.
        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(2))))
                .isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void removalThatAPartitionRefusesForWantOfCurrentVotersAnswersTooFewVoters() {
        // Partition 0 finds both remaining voters current, but node 1 lags on partition 2 only: that partition
        // cannot take node 2 out (one current voter of two left), so the leave cannot end.
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).tuning(b -> b.membershipTimeoutMillis(20_000))
                .start();
        cluster.runUntil("every member's node id is known", () -> membership(cluster, 0).members().stream()
                .allMatch(m -> m.nodeId() != 0));
        cluster.mute(1, 2);
        cluster.writeSequentially(2, "while-node-1-lags-", 20);

        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(2))))
                .isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(membership(cluster, 0).member(cluster.endpoint(2)).orElseThrow().role())
                .isEqualTo(Member.Role.LEAVING);

        // Once node 1 catches up on partition 2, the leave ends by itself.
        cluster.heal();
        cluster.runUntil("node 2 is out of the roster", () -> membership(cluster, 0).member(cluster.endpoint(2))
                .isEmpty());
        awaitEveryPartitionVoters(cluster, List.of(0, 1));
    }

    @Test
    void removedNodeLearnsItStopsCampaigningAndRefusesEveryCall() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        cluster.writeSequentially(1, "a-", 5);
        List<Membership> seen = new ArrayList<>();
        cluster.node(2).onMembershipChanged(seen::add);

        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(2))))
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("node 2 learned it was removed", () -> !seen.isEmpty()
                && seen.get(seen.size() - 1).member(cluster.endpoint(2)).isEmpty());

        IRaft removed = cluster.node(2);
        assertThat(cluster.await(removed.replicateLogs(1, "t", new byte[1])).status())
                .isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(cluster.await(removed.confirmLeadership(1))).isFalse();
        assertThat(cluster.await(removed.removeMember(cluster.endpoint(0)))).isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(cluster.await(removed.leaveCluster())).isEqualTo(RaftOperationStatus.NotAMember);
        // It campaigns no more: the members hear nothing further from it.
        cluster.runFor(java.time.Duration.ofSeconds(2));
        long heard = cluster.node(0).unknownSenderMessages() + cluster.node(1).unknownSenderMessages();
        cluster.runFor(java.time.Duration.ofSeconds(20));
        assertThat(cluster.node(0).unknownSenderMessages() + cluster.node(1).unknownSenderMessages())
                .isEqualTo(heard);
        assertThat(cluster.write(1, "after").success()).isTrue();
    }

    @Test
    void nodeRemovedWhileDownLearnsItOnRestartAndDoesNotRejoinSilently() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        cluster.runUntil("every member's node id is known", () -> membership(cluster, 0).members().stream()
                .allMatch(m -> m.nodeId() != 0));
        cluster.crash(2);
        cluster.runFor(java.time.Duration.ofSeconds(5));
        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(2))))
                .isEqualTo(RaftOperationStatus.Success);

        // Back with its old folder, it still holds itself a voter until a member tells it otherwise.
        cluster.restart(2);
        cluster.runUntil("node 2 learned it was removed", () -> cluster.await(cluster.node(2)
                .replicateLogs(1, "t", new byte[1])).status() == RaftOperationStatus.NotAMember);
        assertThat(membership(cluster, 0).member(cluster.endpoint(2))).isEmpty();

        // It remembers: started again on the same folder, it does not take part.
        cluster.runFor(java.time.Duration.ofSeconds(1));
        cluster.crashAfterSync(2);
        cluster.launchAgain(2);
        CompletableFuture<Void> joined = cluster.node(2).joinCluster();
        cluster.runUntil("node 2's start ends", joined::isDone);
        assertThatThrownBy(joined::join).hasMessageContaining("NotAMember");
        assertThat(cluster.await(cluster.node(2).replicateLogs(1, "t", new byte[1])).status())
                .isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(cluster.write(1, "after").success()).isTrue();
    }

    @Test
    void removedNodeStartedWithJoinExistingJoinsAgainAsANewMember() {
        SimCluster cluster = SimCluster.builder(4, PARTITIONS).spares(1).start();
        cluster.await(cluster.join(3));
        assertThat(cluster.await(cluster.node(0).removeMember(cluster.endpoint(3))))
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("node 3 learned it was removed", () -> cluster.await(cluster.node(3)
                .replicateLogs(1, "t", new byte[1])).status() == RaftOperationStatus.NotAMember);
        cluster.runFor(java.time.Duration.ofSeconds(1));
        List<String> expected = cluster.writeSequentially(1, "while-out-", 5);

        // Spare nodes are configured with joinExisting(true): started again, node 3 asks to join as a new member.
        cluster.crashAfterSync(3);
        cluster.launchAgain(3);
        cluster.await(cluster.node(3).joinCluster());
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2, 3));
        cluster.write(1, "back");
        cluster.runUntil("node 3 delivered the write after its return", () -> cluster.history(3, 1).stream()
                .map(SimCluster::text).anyMatch("back"::equals));
        assertThat(cluster.history(3, 1)).extracting(SimCluster::text).containsAll(expected);
    }

    @Test
    void wipedMemberComesBackAsALearnerWithItsNewIncarnationAndIsPromotedOnceRebuilt() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).start();
        List<String> expected = cluster.writeSequentially(1, "a-", 30);
        cluster.runUntil("every member's incarnation is known", () -> membership(cluster, 0).members().stream()
                .allMatch(m -> m.incarnation() != 0));
        int wiped = cluster.others(cluster.awaitLeader(1)).get(0);
        long before = membership(cluster, 0).member(cluster.endpoint(wiped)).orElseThrow().incarnation();
        List<Member.Role> roles = new ArrayList<>();
        cluster.node(cluster.others(wiped).get(0)).onMembershipChanged(m -> m.member(cluster.endpoint(wiped))
                .ifPresent(member -> roles.add(member.role())));

        cluster.wipe(wiped);
        cluster.restart(wiped);
        cluster.runUntil("the roster holds the new incarnation as a voter", () -> membership(cluster, 0)
                .member(cluster.endpoint(wiped)).map(m -> m.incarnation() != before && m.role() == Member.Role.VOTER)
                .orElse(false));

        assertThat(roles).containsExactly(Member.Role.LEARNER, Member.Role.VOTER);
        assertThat(cluster.awaitHistory(wiped, 1, expected.size())).containsExactlyElementsOf(expected);
        assertThat(cluster.view(wiped, 1).verified()).isTrue();
    }

    @Test
    void everyMemberReportsItsNodeIdToTheFirstRoster() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        cluster.runUntil("every member's node id is known", () -> membership(cluster, 0).members().stream()
                .allMatch(m -> m.nodeId() != 0));
        assertThat(membership(cluster, 0).members()).extracting(Member::nodeId).containsExactly(1, 2, 3);
        assertThat(membership(cluster, 0).members()).extracting(Member::role).containsOnly(Member.Role.VOTER);
    }

    @Test
    void everyNodeSeesTheSameRosterChangesInCommitOrder() {
        SimCluster cluster = SimCluster.builder(4, 1).spares(1).start();
        cluster.runUntil("the first roster is complete on every node", () -> IntStream.range(0, 3).allMatch(n ->
                membership(cluster, n).equals(membership(cluster, 0))
                        && membership(cluster, n).members().stream().allMatch(m -> m.nodeId() != 0)));
        Map<Integer, List<Membership>> seen = new HashMap<>();
        for (int n = 0; n < 3; n++) {
            List<Membership> list = new ArrayList<>();
            seen.put(n, list);
            cluster.node(n).onMembershipChanged(list::add);
        }
        long start = membership(cluster, 0).version();
        cluster.await(cluster.join(3));
        assertThat(cluster.await(cluster.node(1).removeMember(cluster.endpoint(3))))
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("every node applied the removal", () -> IntStream.range(0, 3)
                .allMatch(n -> membership(cluster, n).member(cluster.endpoint(3)).isEmpty()));
        long end = membership(cluster, 0).version();

        List<Membership> first = seen.get(0);
        assertThat(first).extracting(Membership::version)
                .containsExactlyElementsOf(LongRange.of(start + 1, end));
        for (int n = 1; n < 3; n++) {
            assertThat(seen.get(n)).as("node %d", n).isEqualTo(first);
            assertThat(membership(cluster, n)).isEqualTo(first.get(first.size() - 1));
        }
    }

    @Test
    void twoNodesAskingToJoinAtOnceAreTakenOneAfterTheOther() {
        SimCluster cluster = SimCluster.builder(5, 1).spares(2).start();
        CompletableFuture<Void> third = cluster.join(3);
        CompletableFuture<Void> fourth = cluster.join(4);
        cluster.await(CompletableFuture.allOf(third, fourth));
        awaitEveryPartitionVoters(cluster, List.of(0, 1, 2, 3, 4), 1);
    }

    /** Negative control of the roster check every scenario runs: with changes merged, it fails the run. */
    @Test
    void theRosterCheckCatchesTwoMembershipChangesAtOnce() {
        SimCluster cluster = SimCluster.builder(5, 1).spares(2).plantMergedRosterChanges().start();
        cluster.join(3);
        // Node 3 stops once the roster took it as a learner: its join stays in progress while node 4 asks (left to
        // run, both joins may well finish one after the other without ever overlapping).
        cluster.runUntil("node 3 joining", () -> membership(cluster, 0).member(cluster.endpoint(3)).isPresent());
        cluster.crash(3);
        cluster.join(4);
        assertThatThrownBy(() -> cluster.runFor(java.time.Duration.ofSeconds(10)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("members joining or leaving at once");
    }

    // ---------------------------------------------------------------- helpers

    private static Membership membership(SimCluster cluster, int node) {
        return cluster.node(node).getMembership().join();
    }

    private static CompletableFuture<Void> removal(SimCluster cluster, int removed, int asker) {
        return cluster.node(asker).removeMember(cluster.endpoint(removed)).thenAccept(status ->
                assertThat(status).as("removal of node %d", removed).isEqualTo(RaftOperationStatus.Success));
    }

    /** Writes to every partition in turn, each write acknowledged, until the change completes. */
    private static void writeWhile(SimCluster cluster, Map<Integer, List<String>> written, int[] counter,
                                   CompletableFuture<Void> change) {
        while (!change.isDone()) {
            int p = 1 + counter[0] % PARTITIONS;
            String payload = "w-" + counter[0]++;
            cluster.write(p, payload);
            written.computeIfAbsent(p, k -> new ArrayList<>()).add(payload);
        }
        change.join();
    }

    /** The node whose replica of partition 0 leads, or -1. */
    private static int systemLeader(SimCluster cluster) {
        return leader(cluster, 0);
    }

    /** The node whose replica of the partition (0 included) leads, or -1. */
    private static int leader(SimCluster cluster, int partition) {
        for (int n = 0; n < cluster.size(); n++) {
            ReplicaView view = cluster.view(n, partition);
            if (view != null && view.leader()) {
                return n;
            }
        }
        return -1;
    }

    /** Runs until every live replica of every partition has exactly {@code members} as voters and no learner. */
    private static void awaitEveryPartitionVoters(SimCluster cluster, List<Integer> members) {
        awaitEveryPartitionVoters(cluster, members, PARTITIONS);
    }

    private static void awaitEveryPartitionVoters(SimCluster cluster, List<Integer> members, int partitions) {
        Set<String> voters = new TreeSet<>();
        members.forEach(n -> voters.add(cluster.endpoint(n)));
        cluster.runUntil("every partition's voters are " + voters, () -> {
            for (int n : members) {
                for (int p = 0; p <= partitions; p++) {
                    ReplicaView view = cluster.view(n, p);
                    if (view == null || view.configuration() == null
                            || !view.configuration().voters().equals(voters)
                            || !view.configuration().learners().isEmpty()
                            || view.configurationChangesInFlight() > 0) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /** Consecutive versions. */
    private static final class LongRange {
        static List<Long> of(long from, long to) {
            List<Long> all = new ArrayList<>();
            for (long v = from; v <= to; v++) {
                all.add(v);
            }
            return all;
        }
    }
}
