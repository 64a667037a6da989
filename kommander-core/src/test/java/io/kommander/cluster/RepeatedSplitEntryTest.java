package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A split entry appended a second time, long after the split and a merge back finished, by a leader of the source
 * whose partition map is stale and whose replica was rebuilt from a snapshot past the first entry (sim seed 1272's
 * sequence, driven on purpose): the move history the snapshot carries makes the second entry a repeat, so the rebuilt
 * replica keeps the range's keys as every other replica does.
 *
 * <p>How: three nodes, one partition under keyed writes. Node X is cut off from the partition before the split, and
 * from partition 0 once it applied the split's begin, then loses power: its disk keeps a map with the split under way
 * and a log without the split entry. The split and a merge back finish without it, and the partition compacts past
 * both. X comes back with partition 0 still cut off, so its map stays stale, catches up by a snapshot, and is handed
 * the partition's leadership: to its map the split has not fenced yet.
 */
class RepeatedSplitEntryTest {

    private static final int SOURCE = 1;

    @Test
    void aRebuiltLeaderWithAStaleMapKeepsTheMergedBackKeys() {
        Outcome outcome = splitMergeBackAndLeadFromAStaleMap(cluster());
        assertThat(outcome.missing()).as("acknowledged writes the rebuilt leader does not hold").isEmpty();
    }

    /** The negative control: a replica rebuilt without its move history takes the repeat for a new split. */
    @Test
    void aRebuiltLeaderWithoutItsMoveHistoryDropsTheMergedBackKeys() {
        Outcome outcome = splitMergeBackAndLeadFromAStaleMap(cluster()
                .plant(PartitionSeams.Bug.MOVE_HISTORY_FORGOTTEN));
        assertThat(outcome.missing()).as("acknowledged writes the rebuilt leader does not hold").isNotEmpty();
    }

    private record Outcome(List<String> missing) {
    }

    private static SimClusterBuilder cluster() {
        return SimCluster.builder(3, 1).snapshots().tuning(b -> b.snapshotRetentionEntries(4)
                .compactionIntervalMillis(200));
    }

    /**
     * Runs the sequence of the class comment and returns the acknowledged writes (their payloads) that X's replica of
     * the partition does not hold once it has led the partition for five seconds.
     */
    private static Outcome splitMergeBackAndLeadFromAStaleMap(SimClusterBuilder builder) {
        SimCluster cluster = builder.start();
        int systemLeader = cluster.awaitSystemLeader();
        PartitionMap before = cluster.node(systemLeader).getPartitionMap();
        List<String> keys = KeyedWriter.keysIn(before.partition(SOURCE).orElseThrow().range(), 24);
        long boundary = SplitPartitionTest.median(keys);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 24; i++) {
            writer.writeOne(systemLeader);
        }
        int stale = cluster.others(systemLeader, cluster.awaitLeader(SOURCE)).get(0);

        // Cut off from the source before the split, so that its log never holds the split entry (the source's leader
        // appends it as soon as it applied the begin, which may come before this node applies it), and from
        // partition 0 once it applied the begin, so that the begin is the last map change its disk keeps.
        cluster.mute(stale, SOURCE);
        CompletableFuture<PartitionChangeResult> split = cluster.node(systemLeader).splitPartition(SOURCE, boundary);
        cluster.runUntil("node " + stale + " applied the split's begin", () -> cluster.node(stale).getPartitionMap()
                .partition(SOURCE).map(p -> p.state() == PartitionState.SPLITTING).orElse(false));
        cluster.mute(stale, 0);
        cluster.runFor(Duration.ofMillis(300));
        cluster.crashAfterSync(stale);
        int half = cluster.await(split).partitionId();
        for (int i = 0; i < 24; i++) {
            writer.writeOne(systemLeader);
        }
        assertThat(cluster.await(cluster.node(systemLeader).mergePartitions(SOURCE, half)).status())
                .isEqualTo(RaftOperationStatus.Success);
        int leader = cluster.awaitLeader(SOURCE);
        long merged = cluster.view(leader, SOURCE).commitIndex();
        for (int i = 0; i < 48; i++) {
            writer.writeOne(systemLeader);
        }
        cluster.runUntil("the source's leader compacted past the merge", () -> cluster.compactedUpTo(leader, SOURCE)
                .index() > merged);

        cluster.heal();
        cluster.mute(stale, 0);
        cluster.restart(stale);
        cluster.runUntil("node " + stale + " installed a snapshot past the merge", () -> cluster
                .installedSnapshots(stale, SOURCE).stream().anyMatch(index -> index > merged));
        assertThat(cluster.node(stale).getPartitionMap().splitTarget(SOURCE)).as("the split, to node %d's map", stale)
                .isPresent();

        assertThat(cluster.await(cluster.node(leader).transferLeadership(SOURCE, cluster.endpoint(stale))))
                .isEqualTo(RaftOperationStatus.Success);
        cluster.runFor(Duration.ofSeconds(5));
        List<String> held = cluster.keyed(stale, SOURCE);
        return new Outcome(writer.acknowledged.stream().map(SimKeyedWriter.Ack::payload)
                .filter(p -> !held.contains(p)).toList());
    }
}
