package io.kommander.sim;

import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.partition.RaftPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quiescence on virtual time: idle partitions fall asleep on every replica, anything that needs them wakes them, and
 * node-level liveness wakes the followers of a leader whose node dies while they sleep.
 */
class QuiescenceTest {

    private static final int PARTITIONS = 4;

    private static SimCluster cluster(int quiesceAfter) {
        return SimCluster.builder(3, PARTITIONS).tuning(b -> b.quiesceAfterHeartbeats(quiesceAfter)).start();
    }

    /** Every replica of every partition, the system partition included, sleeps. */
    private static boolean allAsleep(SimCluster cluster, int... nodes) {
        int replicas = PARTITIONS + 1;
        return IntStream.of(nodes).allMatch(n -> cluster.quiescence(n).quiescedCount() == replicas
                && cluster.quiescence(n).awake().isEmpty());
    }

    private static boolean allAsleep(SimCluster cluster) {
        return allAsleep(cluster, 0, 1, 2);
    }

    @Test
    void idlePartitionsQuiesceOnEveryReplicaAndStayAsleep() {
        SimCluster cluster = cluster(4);
        cluster.write(1, "a");
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        long wakes = IntStream.range(0, 3).mapToLong(n -> cluster.quiescence(n).wakeEvents()).sum();
        cluster.runFor(Duration.ofSeconds(5));
        assertThat(allAsleep(cluster)).isTrue();
        assertThat(IntStream.range(0, 3).mapToLong(n -> cluster.quiescence(n).wakeEvents()).sum())
                .as("nothing woke an idle cluster").isEqualTo(wakes);
        assertThat(cluster.leaderOf(1)).isNotNegative();
    }

    @Test
    void writeToAQuiescedLeaderWakesItAndCommits() {
        SimCluster cluster = cluster(4);
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int leader = cluster.leaderOf(1);
        assertThat(cluster.write(1, "after-sleep").success()).isTrue();
        for (int node = 0; node < 3; node++) {
            assertThat(cluster.awaitHistory(node, 1, 1)).containsExactly("after-sleep");
        }
        assertThat(cluster.leaderOf(1)).as("the write kept its leader").isEqualTo(leader);
        cluster.runUntil("every replica quiesced again", () -> allAsleep(cluster));
    }

    @Test
    void readOnAQuiescedLeaderConfirmsByAHeartbeatRound() {
        SimCluster cluster = cluster(4);
        cluster.write(2, "x");
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int leader = cluster.leaderOf(2);
        long wakesBefore = cluster.quiescence(leader).wakeEvents();
        assertThat(cluster.await(cluster.node(leader).confirmLeadership(2))).isTrue();
        assertThat(cluster.quiescence(leader).wakeEvents()).as("the read woke the leader").isGreaterThan(wakesBefore);
    }

    @Test
    void followersOfADeadLeaderWakeAndElectAnother() {
        SimCluster cluster = cluster(4);
        cluster.write(1, "before");
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int leader = cluster.leaderOf(1);
        cluster.crash(leader);
        cluster.runUntil("another node leads partition 1",
                () -> cluster.leaderOf(1) >= 0 && cluster.leaderOf(1) != leader, Duration.ofSeconds(3));
        assertThat(cluster.write(1, "after").success()).isTrue();
    }

    @Test
    void followersOfACutOffLeaderWakeAndElectAnother() {
        SimCluster cluster = cluster(4);
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int leader = cluster.leaderOf(3);
        cluster.isolate(leader);
        cluster.runUntil("another node leads partition 3", () -> cluster.others(leader).stream()
                .anyMatch(n -> cluster.node(n).amILeaderQuick(3)), Duration.ofSeconds(3));
        cluster.heal();
        assertThat(cluster.write(3, "healed").success()).isTrue();
    }

    @Test
    void restartedFollowerDoesNotDeposeLiveLeaders() {
        SimCluster cluster = cluster(4);
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int follower = cluster.leaderOf(1) == 0 ? 1 : 0;
        long[] terms = IntStream.rangeClosed(1, PARTITIONS)
                .mapToLong(p -> cluster.view(cluster.leaderOf(p), p).term()).toArray();
        java.util.List<Integer> leaders = IntStream.rangeClosed(1, PARTITIONS).map(cluster::leaderOf).boxed().toList();
        cluster.crash(follower);
        cluster.runFor(Duration.ofMillis(200));
        cluster.restart(follower);
        cluster.runFor(Duration.ofSeconds(3));
        for (int p = 1; p <= PARTITIONS; p++) {
            if (leaders.get(p - 1) != follower) {
                assertThat(cluster.leaderOf(p)).as("leader of %d", p).isEqualTo(leaders.get(p - 1));
                assertThat(cluster.view(cluster.leaderOf(p), p).term()).as("term of %d", p).isEqualTo(terms[p - 1]);
            }
        }
    }

    @Test
    void restartedFollowerNodeWakesSleepingLeadersWithoutElections() {
        SimCluster cluster = cluster(4);
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int follower = IntStream.range(0, 3).filter(n -> IntStream.rangeClosed(1, PARTITIONS)
                .noneMatch(p -> cluster.leaderOf(p) == n)).findFirst().orElse(2);
        long[] terms = IntStream.rangeClosed(1, PARTITIONS)
                .mapToLong(p -> cluster.view(cluster.leaderOf(p), p).term()).toArray();
        java.util.List<Integer> leaders = IntStream.rangeClosed(1, PARTITIONS).map(cluster::leaderOf).boxed().toList();
        cluster.crash(follower);
        cluster.runFor(Duration.ofSeconds(1));
        cluster.restart(follower);
        cluster.runFor(Duration.ofSeconds(5));
        for (int p = 1; p <= PARTITIONS; p++) {
            if (leaders.get(p - 1) != follower) {
                assertThat(cluster.leaderOf(p)).as("leader of %d", p).isEqualTo(leaders.get(p - 1));
                assertThat(cluster.view(cluster.leaderOf(p), p).term()).as("term of %d", p).isEqualTo(terms[p - 1]);
            }
        }
        cluster.runUntil("every replica quiesced again", () -> allAsleep(cluster));
    }

    @Test
    void aSleepingFollowerThatMustHearFromItsLeaderWakesItAndIsConfirmedAgain() {
        SimCluster cluster = cluster(4);
        cluster.write(1, "a");
        cluster.runUntil("every replica quiesced", () -> allAsleep(cluster));
        int leader = cluster.leaderOf(1);
        int follower = leader == 0 ? 1 : 0;
        RaftPartition replica = cluster.replica(follower, 1);
        assertThat(replica.view().confirmed()).as("confirmed by the write's appends").isTrue();
        CompletableFuture<Void> forgotten = replica.forgetLeaderConfirmation();
        cluster.runUntil("the replica forgot", forgotten::isDone);
        assertThat(forgotten).isCompletedWithValue(null);
        assertThat(replica.view().confirmed()).as("the view says so once the call completes").isFalse();
        // A sleeping partition sends nothing: only the follower's wake-up call brings the leader's log again.
        cluster.runUntil("a leader's log confirmed the replica again", () -> replica.view().confirmed());
        assertThat(cluster.leaderOf(1)).as("no election").isEqualTo(leader);
        cluster.runUntil("every replica quiesced again", () -> allAsleep(cluster));
    }

    @Test
    void quiescenceOffKeepsEveryPartitionAwake() {
        SimCluster cluster = cluster(0);
        cluster.write(1, "a");
        cluster.runFor(Duration.ofSeconds(3));
        for (int node = 0; node < 3; node++) {
            QuiescedPartitions quiescence = cluster.quiescence(node);
            assertThat(quiescence.quiescedCount()).isZero();
            assertThat(quiescence.awake()).hasSize(PARTITIONS + 1);
        }
    }
}
