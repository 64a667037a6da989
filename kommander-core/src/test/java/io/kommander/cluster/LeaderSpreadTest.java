package io.kommander.cluster;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.sim.SimCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaders spread evenly on a cluster of no more nodes than the replication factor (every node hosts every partition):
 * the map gives each partition a preferred leader, evenly, and the partitions' leaders hand leadership over to them,
 * whichever node came up first; a preferred leader that is down keeps its preferences, and takes its partitions back
 * once it is up again.
 */
class LeaderSpreadTest {

    @Test
    void threeNodesLeadFourOfTwelvePartitionsEachThoughOneCameUpLate() {
        SimCluster cluster = SimCluster.builder(3, 12).startNodes(0, 1);
        IntStream.rangeClosed(1, 12).forEach(cluster::awaitLeader);

        cluster.restart(2);

        awaitLeaders(cluster, 4, 4, 4);
        PartitionMap map = cluster.node(0).getPartitionMap();
        assertThat(map.partitions()).allMatch(p -> p.replicas().isEmpty() && p.leaderPreference().size() == 1);
        assertThat(preferredCounts(cluster, map)).containsExactly(4, 4, 4);
    }

    /**
     * A pass places many preferences at once: the balancer's preference-only steps are not held to the map service's
     * one change at a time (which let one through per pass, so 64 partitions took 64 passes: 9.6 s here, a minute
     * with the default timings).
     */
    @Test
    void sixtyFourPartitionsGetTheirPreferencesAndPreferredLeadersWithinAFewPasses() {
        SimCluster cluster = SimCluster.builder(3, 64).start();
        cluster.awaitSystemLeader();
        long passMillis = 150; // the reconciler's interval: the election timeout's lower bound in SimCluster

        cluster.runUntil("every partition has a preferred leader", () -> cluster.node(0).getPartitionMap()
                .partitions().stream().noneMatch(p -> p.leaderPreference().isEmpty()), Duration.ofMillis(
                4 * passMillis));
        cluster.runUntil("every partition is led by its preferred leader", () -> IntStream.rangeClosed(1, 64)
                .allMatch(p -> cluster.leaderOf(p) >= 0 && cluster.endpoint(cluster.leaderOf(p)).equals(
                        cluster.node(0).getPartitionMap().partition(p).orElseThrow().leaderPreference().get(0))),
                Duration.ofMillis(20 * passMillis));

        assertThat(preferredCounts(cluster, cluster.node(0).getPartitionMap())).containsExactlyInAnyOrder(21, 21,
                22);
    }

    @Test
    void aRestartedNodeTakesItsLeadersBackAndNothingMovesWhileItIsDown() {
        SimCluster cluster = SimCluster.builder(3, 12).start();
        awaitPreferences(cluster);
        awaitLeaders(cluster, 4, 4, 4);
        PartitionMap map = cluster.node(0).getPartitionMap();

        cluster.crash(2);
        IntStream.rangeClosed(1, 12).forEach(cluster::awaitLeader);
        cluster.runFor(Duration.ofSeconds(1)); // the new leaders' barriers commit
        Map<Integer, Long> commits = leaderCommits(cluster, 12);
        cluster.runFor(Duration.ofSeconds(10));

        // No preference moved, and no leader tried to hand a partition to the node that is down (a failed transfer
        // ends with a barrier entry of the leader's own: the commit index would move).
        assertThat(cluster.node(0).getPartitionMap()).isEqualTo(map);
        assertThat(leaderCommits(cluster, 12)).isEqualTo(commits);

        cluster.restart(2);

        awaitLeaders(cluster, 4, 4, 4);
        assertThat(cluster.node(2).getPartitionMap().partitions()).isEqualTo(map.partitions());
    }

    @Test
    void twoNodesLeadHalfThePartitionsEachAgainAfterARestart() {
        SimCluster cluster = SimCluster.builder(2, 6).start();
        awaitPreferences(cluster);
        awaitLeaders(cluster, 3, 3);

        cluster.crash(1);
        cluster.restart(1);

        awaitLeaders(cluster, 3, 3);
        PartitionMap map = cluster.node(1).getPartitionMap();
        assertThat(map.partitions()).allMatch(p -> p.replicas().isEmpty());
        assertThat(preferredCounts(cluster, map)).containsExactly(3, 3);
    }

    @Test
    void aTransferAwayFromThePreferredLeaderIsHandedBack() {
        SimCluster cluster = SimCluster.builder(3, 3).start();
        awaitPreferences(cluster);
        awaitLeaders(cluster, 1, 1, 1);
        int preferred = cluster.leaderOf(1);
        int other = (preferred + 1) % 3;

        assertThat(cluster.await(cluster.node(preferred).transferLeadership(1, cluster.endpoint(other)))).isEqualTo(RaftOperationStatus.Success);

        cluster.runUntil("partition 1 back on its preferred leader", () -> cluster.leaderOf(1) == preferred);
    }

    @Test
    void withLeaderBalancingOffATransferStaysAndLeadersStayWhereElectionsPutThem() {
        SimCluster cluster = SimCluster.builder(3, 3).tuning(b -> b.leaderBalancing(false)).startNodes(0, 1);
        IntStream.rangeClosed(1, 3).forEach(cluster::awaitLeader);
        cluster.restart(2);
        awaitPreferences(cluster);
        int leader = cluster.leaderOf(1);
        int other = IntStream.range(0, 3).filter(n -> n != leader).max().orElseThrow();

        assertThat(cluster.await(cluster.node(leader).transferLeadership(1, cluster.endpoint(other)))).isEqualTo(RaftOperationStatus.Success);
        cluster.runUntil("partition 1 led by node " + other, () -> cluster.leaderOf(1) == other);
        int[] led = ledCounts(cluster);
        cluster.runFor(Duration.ofSeconds(10)); // many reconciler passes

        // The map still places preferences evenly, but no node hands its partitions to them: the late node 2 leads
        // only what the transfer gave it, and partition 1 stays where the transfer put it.
        assertThat(preferredCounts(cluster, cluster.node(0).getPartitionMap())).containsExactly(1, 1, 1);
        assertThat(cluster.leaderOf(1)).isEqualTo(other);
        assertThat(ledCounts(cluster)).isEqualTo(led);
    }

    // ------------------------------------------------------------------ helpers

    private static void awaitPreferences(SimCluster cluster) {
        cluster.runUntil("every partition has a preferred leader", () -> cluster.node(0).getPartitionMap()
                .partitions().stream().noneMatch(p -> p.leaderPreference().isEmpty()));
    }

    private static void awaitLeaders(SimCluster cluster, int... expected) {
        cluster.runUntil("leaders per node " + Arrays.toString(expected),
                () -> Arrays.equals(ledCounts(cluster), expected));
    }

    /** How many user partitions each node leads now (a partition without a leader counts for none). */
    private static int[] ledCounts(SimCluster cluster) {
        int[] led = new int[cluster.size()];
        for (int p = 1; p <= cluster.partitions(); p++) {
            int leader = cluster.leaderOf(p);
            if (leader >= 0) {
                led[leader]++;
            }
        }
        return led;
    }

    private static List<Integer> preferredCounts(SimCluster cluster, PartitionMap map) {
        int[] preferred = new int[cluster.size()];
        for (PartitionDescriptor partition : map.partitions()) {
            for (int n = 0; n < cluster.size(); n++) {
                if (partition.leaderPreference().equals(List.of(cluster.endpoint(n)))) {
                    preferred[n]++;
                }
            }
        }
        return Arrays.stream(preferred).boxed().toList();
    }

    /** Each user partition's commit index on its leader. */
    private static Map<Integer, Long> leaderCommits(SimCluster cluster, int partitions) {
        Map<Integer, Long> commits = new HashMap<>();
        for (int p = 1; p <= partitions; p++) {
            ReplicaView view = cluster.view(cluster.leaderOf(p), p);
            commits.put(p, view.commitIndex());
        }
        return commits;
    }
}
