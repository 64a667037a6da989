package io.kommander.cluster;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.SeedEntry;
import io.kommander.sim.SimCluster;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splits and merges on the deterministic simulator whose moved state is several times {@code maxEntryBytes}, under
 * continuous keyed writes: the seed travels as a sequence of chunks, no entry of the taking partition's log is larger
 * than {@code maxEntryBytes}, and every acknowledged write ends up exactly once on the side that owns its key; a crash
 * of the taking partition's leader between two chunks leaves a sequence cut short, which the next leader's complete
 * sequence supersedes (one absorb of the whole state, never a mix).
 */
class LargeSeedTest {

    /** Room for about 190 bytes of state per chunk: the moved state of these tests is several kilobytes. */
    private static final int MAX_ENTRY_BYTES = 256;
    private static final int SOURCE = 1;
    private static final int SURVIVOR = 1;

    @Test
    void aSplitWhoseMovedStateIsSeveralTimesMaxEntryBytesKeepsEveryAcknowledgedWriteOnceOnTheSideThatOwnsIt() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().tuning(b -> b.maxEntryBytes(MAX_ENTRY_BYTES))
                .start();
        Split started = splitUnderWrites(cluster);
        SimKeyedWriter writer = started.writer();
        CompletableFuture<PartitionChangeResult> split = started.split();
        writer.writeUntil(split, 0);
        PartitionChangeResult result = cluster.await(split);
        for (int i = 0; i < 30; i++) {
            writer.writeOne(0);
        }

        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        int target = result.partitionId();
        SplitPartitionTest.awaitMaps(cluster, target);
        assertSeedInChunksWithinMaxEntryBytes(cluster, target, SeedEntry.TYPE);
        SplitPartitionTest.assertEveryAcknowledgedWriteOnceOnItsSide(cluster, writer,
                cluster.node(0).getPartitionMap(), target);
    }

    @Test
    void aMergeWhoseMovedStateIsSeveralTimesMaxEntryBytesKeepsEveryAcknowledgedWriteOnceInTheSurvivor() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().tuning(b -> b.maxEntryBytes(MAX_ENTRY_BYTES))
                .start();
        SimKeyedWriter writer = new SimKeyedWriter(cluster, MergePartitionsTest.keysOfBoth(
                cluster.node(0).getPartitionMap()));
        for (int i = 0; i < 96; i++) {
            writer.writeOne(0);
        }
        int caller = cluster.others(cluster.awaitSystemLeader()).get(0);

        CompletableFuture<PartitionChangeResult> merge = cluster.node(caller).mergePartitions(SURVIVOR, 2);
        writer.writeUntil(merge, 0);
        assertThat(cluster.await(merge).status()).isEqualTo(RaftOperationStatus.Success);
        MergePartitionsTest.awaitMaps(cluster);
        for (int i = 0; i < 24; i++) {
            writer.writeOne(0);
        }

        assertSeedInChunksWithinMaxEntryBytes(cluster, SURVIVOR, SeedEntry.MERGE_TYPE);
        MergePartitionsTest.assertEveryAcknowledgedWriteOnceInTheSurvivor(cluster, writer, true);
    }

    private record Split(SimKeyedWriter writer, CompletableFuture<PartitionChangeResult> split) {
    }

    /** Writes 72 keys of the source's range, then asks (from a node that does not lead partition 0) to split it. */
    private static Split splitUnderWrites(SimCluster cluster) {
        PartitionDescriptor before = cluster.node(0).getPartitionMap().partition(SOURCE).orElseThrow();
        List<String> keys = KeyedWriter.keysIn(before.range(), 24);
        SimKeyedWriter writer = new SimKeyedWriter(cluster, keys);
        for (int i = 0; i < 72; i++) {
            writer.writeOne(0);
        }
        int caller = cluster.others(cluster.awaitSystemLeader()).get(0);
        return new Split(writer, cluster.node(caller).splitPartition(SOURCE, SplitPartitionTest.median(keys)));
    }

    /**
     * The new half's leader crashes once it has appended a chunk past the first (so the first is committed, and the
     * next leader holds it) and before the last: the next leader appends a sequence of its own, and every replica
     * absorbs that one, whole, once. One chunk per proposal, so that the sequence is appended over several commits.
     */
    @Test
    void aCrashOfTheTakingLeaderBetweenTwoChunksAbsorbsTheNextLeadersWholeSequenceOnce() {
        SimCluster cluster = SimCluster.builder(3, 2).snapshots().tuning(b -> b.maxEntryBytes(MAX_ENTRY_BYTES)
                .maxProposalBytes(MAX_ENTRY_BYTES)).start();
        Split started = splitUnderWrites(cluster);
        SimKeyedWriter writer = started.writer();
        CompletableFuture<PartitionChangeResult> split = started.split();
        cluster.runUntil("every node applied the split's start", () -> IntStream.range(0, 3).allMatch(n -> cluster
                .node(n).getPartitionMap().partition(SOURCE).orElseThrow().state() == PartitionState.SPLITTING));
        int target = cluster.node(0).getPartitionMap().splitTarget(SOURCE).orElseThrow().id();
        int[] leader = {-1};
        cluster.runUntil("the new half's leader appended a chunk past the first, and not the last", () -> {
            leader[0] = cluster.leaderOf(target);
            List<SeedEntry> chunks = leader[0] < 0 ? List.of() : chunks(cluster, leader[0], target, SeedEntry.TYPE);
            return !chunks.isEmpty() && chunks.get(chunks.size() - 1).number() >= 1
                    && !chunks.get(chunks.size() - 1).last();
        });
        cluster.crash(leader[0]);
        int through = cluster.others(leader[0]).get(0);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(through);
        }
        cluster.restart(leader[0]);
        writer.writeUntil(split, through);

        assertThat(cluster.await(split).status()).isEqualTo(RaftOperationStatus.Success);
        SplitPartitionTest.awaitMaps(cluster, target);
        for (int i = 0; i < 20; i++) {
            writer.writeOne(through);
        }
        for (int n = 0; n < 3; n++) {
            List<SeedEntry> chunks = chunks(cluster, n, target, SeedEntry.TYPE);
            assertThat(chunks.stream().filter(c -> c.number() == 0).map(SeedEntry::sequence).distinct())
                    .as("node %d: the sequence cut short, then the next leader's", n).hasSizeGreaterThanOrEqualTo(2);
        }
        assertSeedInChunksWithinMaxEntryBytes(cluster, target, SeedEntry.TYPE);
        SplitPartitionTest.assertEveryAcknowledgedWriteOnceOnItsSide(cluster, writer,
                cluster.node(through).getPartitionMap(), target);
    }

    /** Every node's log of the taking partition holds the seed in three chunks or more, each within the limit. */
    private static void assertSeedInChunksWithinMaxEntryBytes(SimCluster cluster, int taking, String type) {
        for (int n = 0; n < 3; n++) {
            List<LogEntry> log = cluster.durableLog(n, taking);
            assertThat(log).as("node %d's log of partition %d", n, taking)
                    .allSatisfy(e -> assertThat(LogEntry.contentBytes(e.logType(), e.data()))
                            .isLessThanOrEqualTo(MAX_ENTRY_BYTES));
            assertThat(log.stream().filter(e -> type.equals(e.logType())).count())
                    .as("node %d's seed entries", n).isGreaterThanOrEqualTo(3);
        }
    }

    /** The seed chunks of {@code type} node {@code n}'s disk holds for {@code partition}, in log order. */
    private static List<SeedEntry> chunks(SimCluster cluster, int n, int partition, String type) {
        return cluster.durableLog(n, partition).stream().filter(e -> type.equals(e.logType()))
                .map(e -> SeedEntry.decode(e.data())).toList();
    }
}
