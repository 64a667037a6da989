package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.MoveEntry;
import io.kommander.sim.SimCluster;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splits on the deterministic simulator, under continuous writes routed by each writer's map with the generation it
 * saw: every acknowledged write ends up exactly once, on the side that owns its key; a write routed with the map
 * before the split is refused once the source has its split entry; a crash of the source's leader mid-split
 * converges; an application that cannot split gets a clear refusal and nothing changes.
 */
class SplitPartitionTest {

    private static final int SOURCE = 1;

    @Test
    void splitUnderWritesKeepsEveryAcknowledgedWriteOnceOnTheSideThatOwnsItsKey() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        PartitionDescriptor before = cluster.node(0).getPartitionMap().partition(SOURCE).orElseThrow();
        List<String> keys = KeyedWriter.keysIn(before.range(), 24);
        long boundary = median(keys);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(0);
        }
        int caller = cluster.others(cluster.awaitSystemLeader()).get(0);

        CompletableFuture<PartitionChangeResult> split = cluster.node(caller).splitPartition(SOURCE, boundary);
        writer.writeUntil(split, 0);
        PartitionChangeResult result = cluster.await(split);
        int acknowledgedBeforeTheEnd = writer.acknowledged.size();
        // Thirty writes cycle through all 24 keys, on both sides of the median boundary.
        for (int i = 0; i < 30; i++) {
            writer.writeOne(0);
        }

        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        int target = result.partitionId();
        assertThat(target).isEqualTo(3);
        awaitMaps(cluster, target);
        PartitionMap map = cluster.awaitLeaderPreferences();
        // The balancer may move a half's leader preference once the split is done (evening leaders out): each half
        // is compared as a whole but for that, and must have one.
        assertThat(map.partition(SOURCE).orElseThrow()).usingRecursiveComparison().ignoringFields("leaderPreference")
                .isEqualTo(new PartitionDescriptor(SOURCE, new PartitionRange(before.range().first(), boundary - 1),
                        before.generation() + 2, PartitionState.ACTIVE, List.of(), List.of()));
        assertThat(map.partition(target).orElseThrow()).usingRecursiveComparison().ignoringFields("leaderPreference")
                .isEqualTo(new PartitionDescriptor(target, new PartitionRange(boundary, before.range().last()), 2,
                        PartitionState.ACTIVE, List.of(), List.of()));
        assertThat(List.of(map.partition(SOURCE).orElseThrow(), map.partition(target).orElseThrow()))
                .allSatisfy(half -> assertThat(half.leaderPreference()).hasSize(1));
        assertThat(writer.acknowledged.subList(acknowledgedBeforeTheEnd, writer.acknowledged.size()))
                .as("writes after the split, on both sides").extracting(SimKeyedWriter.Ack::partition).contains(SOURCE, target);
        assertEveryAcknowledgedWriteOnceOnItsSide(cluster, writer, map, target);

        // A writer still routing with the map before the split is refused by the source, and nothing is appended.
        for (int n = 0; n < 3; n++) {
            RaftReplicationResult stale = cluster.await(cluster.node(cluster.leaderOf(SOURCE)).replicateLogs(SOURCE,
                    "test", List.of("stale".getBytes(StandardCharsets.UTF_8)), true, before.generation()));
            assertThat(stale.status()).isEqualTo(RaftOperationStatus.PartitionMoved);
        }
    }

    @Test
    void crashOfTheSourceLeaderMidSplitConverges() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        PartitionDescriptor before = cluster.node(0).getPartitionMap().partition(SOURCE).orElseThrow();
        List<String> keys = KeyedWriter.keysIn(before.range(), 24);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(0);
        }
        int sourceLeader = cluster.awaitLeader(SOURCE);
        int caller = cluster.others(sourceLeader).get(0);

        CompletableFuture<PartitionChangeResult> split = cluster.node(caller).splitPartition(SOURCE, median(keys));
        cluster.runUntil("the source's leader applied the split's start", () -> cluster.node(sourceLeader)
                .getPartitionMap().partition(SOURCE).orElseThrow().state() == PartitionState.SPLITTING);
        cluster.crash(sourceLeader);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(caller);
        }
        cluster.restart(sourceLeader);
        writer.writeUntil(split, caller);

        PartitionChangeResult result = cluster.await(split);
        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        awaitMaps(cluster, result.partitionId());
        for (int i = 0; i < 20; i++) {
            writer.writeOne(caller);
        }
        assertEveryAcknowledgedWriteOnceOnItsSide(cluster, writer, cluster.node(caller).getPartitionMap(),
                result.partitionId());
    }

    /**
     * While the split runs, no replica of the source snapshots or compacts past its split entry, so that a restart of
     * every node still produces the moved keys' state (the seed is held only in memory) and the split finishes; once
     * it has, compaction goes on. Partition 0 is cut off everywhere meanwhile, so the split cannot finish early.
     */
    @Test
    void theSourceKeepsItsSplitEntryThroughARestartOfEveryNodeUntilTheSplitFinishes() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().tuning(b -> b.snapshotRetentionEntries(4)
                .compactionIntervalMillis(200)).start();
        PartitionDescriptor before = cluster.node(0).getPartitionMap().partition(SOURCE).orElseThrow();
        List<String> keys = KeyedWriter.keysIn(before.range(), 24);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(0);
        }

        cluster.node(0).splitPartition(SOURCE, median(keys));
        cluster.runUntil("every node applied the split's start", () -> IntStream.range(0, 3).allMatch(n -> cluster
                .node(n).getPartitionMap().partition(SOURCE).orElseThrow().state() == PartitionState.SPLITTING));
        int target = cluster.node(0).getPartitionMap().splitTarget(SOURCE).orElseThrow().id();
        IntStream.range(0, 3).forEach(n -> cluster.mute(n, 0));
        cluster.runUntil("every source replica holds the split entry durably",
                () -> IntStream.range(0, 3).allMatch(n -> splitEntryIndex(cluster, n) > 0));
        long splitEntry = splitEntryIndex(cluster, 0);
        for (int i = 0; i < 40; i++) {
            writer.writeOne(0);
        }
        cluster.runFor(Duration.ofSeconds(5));
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.compactedUpTo(n, SOURCE).index()).as("node %d's compaction point", n)
                    .isLessThan(splitEntry);
            assertThat(splitEntryIndex(cluster, n)).as("node %d's split entry", n).isEqualTo(splitEntry);
        }

        IntStream.range(0, 3).forEach(cluster::crash);
        cluster.heal();
        IntStream.range(0, 3).forEach(cluster::restart);
        awaitMaps(cluster, target);
        for (int i = 0; i < 40; i++) {
            writer.writeOne(0);
        }
        assertEveryAcknowledgedWriteOnceOnItsSide(cluster, writer, cluster.node(0).getPartitionMap(), target);
        for (int n = 0; n < 3; n++) {
            int node = n;
            cluster.runUntil("node " + n + " compacted the source past its split entry once the split finished",
                    () -> cluster.compactedUpTo(node, SOURCE).index() > splitEntry);
        }
    }

    /** The index of the split entry node {@code n}'s disk holds durably for the source, or 0 if it holds none. */
    private static long splitEntryIndex(SimCluster cluster, int n) {
        return cluster.durableLog(n, SOURCE).stream().filter(e -> MoveEntry.SPLIT_TYPE.equals(e.logType()))
                .mapToLong(LogEntry::index).findFirst().orElse(0);
    }

    @Test
    void anApplicationThatCannotSplitGetsAClearRefusalAndNothingChanges() {
        SimCluster cluster = SimCluster.builder(3, 2).start(); // no IRaftStateMachineTransfer
        PartitionMap before = cluster.awaitLeaderPreferences();

        PartitionChangeResult refused = cluster.await(cluster.node(1).splitPartition(SOURCE,
                middle(before.partition(SOURCE).orElseThrow().range())));

        assertThat(refused.status()).isEqualTo(RaftOperationStatus.SplitUnsupported);
        cluster.runFor(Duration.ofSeconds(1));
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.node(n).getPartitionMap()).isEqualTo(before);
        }
        cluster.writeSequentially(SOURCE, "still-", 3);
    }

    @Test
    void aBoundaryOutsideTheRangeIsRefusedAndChangesNothing() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().start();
        PartitionMap before = cluster.awaitLeaderPreferences();
        PartitionRange range = before.partition(SOURCE).orElseThrow().range();

        for (long boundary : new long[] {range.first(), range.last() + 1}) {
            assertThat(cluster.await(cluster.node(0).splitPartition(SOURCE, boundary)).status())
                    .isEqualTo(RaftOperationStatus.PartitionRangeTaken);
        }
        assertThat(cluster.node(0).getPartitionMap()).isEqualTo(before);
    }

    /** Every node's application holds each acknowledged write once, on the side of the split that owns its key. */
    static void assertEveryAcknowledgedWriteOnceOnItsSide(SimCluster cluster, SimKeyedWriter writer, PartitionMap map,
                                                          int target) {
        for (int n = 0; n < 3; n++) {
            int node = n;
            cluster.runUntil("node " + n + " holds every acknowledged write", () -> {
                List<String> held = new ArrayList<>(cluster.keyed(node, SOURCE));
                held.addAll(cluster.keyed(node, target));
                return writer.acknowledged.stream().allMatch(a -> held.contains(a.payload()));
            });
            for (int side : new int[] {SOURCE, target}) {
                List<String> held = cluster.keyed(n, side).stream().filter(t -> t.contains("#")).toList();
                assertThat(held).as("node %d, partition %d", n, side).doesNotHaveDuplicates();
                for (String payload : held) {
                    String key = payload.substring(0, payload.indexOf('#'));
                    assertThat(map.ownerOfKey(key).orElseThrow().id()).as("owner of %s on node %d", payload, n)
                            .isEqualTo(side);
                }
            }
            List<String> both = new ArrayList<>(cluster.keyed(n, SOURCE));
            both.addAll(cluster.keyed(n, target));
            for (SimKeyedWriter.Ack ack : writer.acknowledged) {
                assertThat(both.stream().filter(ack.payload()::equals)).as("%s on node %d", ack, n).hasSize(1);
            }
        }
    }

    static void awaitMaps(SimCluster cluster, int target) {
        cluster.runUntil("every node applied the split's finish", () -> IntStream.range(0, 3).allMatch(n ->
                cluster.node(n).getPartitionMap().partition(target).map(p -> p.state() == PartitionState.ACTIVE)
                        .orElse(false)));
    }

    private static long middle(PartitionRange range) {
        return range.first() + (range.last() - range.first()) / 2 + 1;
    }

    /** The median of the keys' hashes (unsigned): a boundary that moves half of them. */
    static long median(List<String> keys) {
        return keys.stream().map(PartitionMap::hash).sorted(Long::compareUnsigned).toList().get(keys.size() / 2);
    }
}
