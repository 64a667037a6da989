package io.kommander.cluster;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.SnapshotImage;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimCluster.SnapshotChunk;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot transfer broken mid-way by a leader change: the new leader resumes it where the follower stopped when
 * it holds the very same snapshot (same boundary and whole checksum), and sends its own from the start otherwise.
 * Counted in chunks sent, on the deterministic simulator.
 */
class SnapshotResumeTest {

    private static final int CHUNK = 200;

    /**
     * Five nodes; the leader's snapshot reaches node {@code next} (down while the others compacted past it) whole,
     * then node {@code receiver} (down likewise) gets a few chunks of it before its link to the leader is cut.
     */
    private record Broken(SimCluster cluster, int leader, int next, int receiver, List<String> expected,
                          byte[] snapshot) {

        /** The chunks {@code from} sent the receiver. */
        List<SnapshotChunk> chunksFrom(int from) {
            return cluster.snapshotChunks().stream().filter(c -> c.from() == from && c.to() == receiver).toList();
        }
    }

    private static Broken breakTransfer() {
        SimCluster cluster = SimCluster.builder(5, 1).snapshots()
                .tuning(b -> b.snapshotRetentionEntries(10).compactionIntervalMillis(100).snapshotChunkBytes(CHUNK)
                        .logCacheEntries(16))
                .start();
        // The preferred leader: the others hand leadership back to it whenever it is up and caught up.
        int leader = cluster.awaitPreferredLeader(1);
        List<String> expected = new ArrayList<>(cluster.writeSequentially(1, "before-", 20));
        int receiver = cluster.others(leader).get(0);
        int next = cluster.others(leader).get(1);
        cluster.runUntil("every node holds the first writes", () -> IntStream.range(0, cluster.size())
                .allMatch(n -> cluster.state(n, 1).size() == 20));
        cluster.crashAfterSync(receiver);
        cluster.crashAfterSync(next);
        expected.addAll(cluster.writeSequentially(1, "while-down-", 150));
        cluster.runUntil("the live nodes compacted past the down nodes' logs", () -> cluster.others(receiver, next)
                .stream().allMatch(n -> cluster.compactedUpTo(n, 1).index() > 100));

        // Node next is rebuilt from the leader's snapshot: it then holds the same snapshot, byte for byte.
        cluster.restart(next);
        cluster.runUntil("node " + next + " installed the leader's snapshot",
                () -> !cluster.installedSnapshots(next, 1).isEmpty()
                        && Arrays.equals(cluster.storedSnapshot(next, 1), cluster.storedSnapshot(leader, 1)));
        byte[] snapshot = cluster.storedSnapshot(leader, 1);
        assertThat(snapshot.length).as("a snapshot of several chunks").isGreaterThan(6 * CHUNK);

        cluster.recordSnapshotChunks();
        cluster.restart(receiver);
        cluster.runUntil("node " + receiver + " holds two chunks", () -> cluster.snapshotChunks().stream()
                .anyMatch(c -> c.from() == leader && c.to() == receiver && c.offset() >= 2 * CHUNK));
        cluster.partition(List.of(leader), List.of(receiver));
        return new Broken(cluster, leader, next, receiver, expected, snapshot);
    }

    private static void handOver(Broken broken) {
        SimCluster cluster = broken.cluster();
        assertThat(cluster.await(cluster.node(broken.leader()).transferLeadership(1,
                cluster.endpoint(broken.next())))).isEqualTo(RaftOperationStatus.Success);
        // The old leader is the preferred one: up, it would take leadership back. It goes down, as a leader that
        // hands over before a restart does, so the new leader alone finishes the transfer.
        cluster.crash(broken.leader());
        cluster.heal();
        cluster.runUntil("node " + broken.receiver() + " installed a snapshot",
                () -> !cluster.installedSnapshots(broken.receiver(), 1).isEmpty());
        cluster.runUntil("node " + broken.receiver() + " holds every write",
                () -> cluster.state(broken.receiver(), 1).size() >= broken.expected().size());
        assertThat(cluster.state(broken.receiver(), 1)).containsExactlyElementsOf(broken.expected());
    }

    @Test
    void aNewLeaderHoldingTheSameSnapshotResumesTheTransferWhereItStopped() {
        Broken broken = breakTransfer();
        long held = broken.chunksFrom(broken.leader()).stream().mapToLong(SnapshotChunk::offset).max().orElseThrow();

        handOver(broken);

        long boundary = SnapshotImage.decode(broken.snapshot()).boundary().index();
        List<SnapshotChunk> resumed = broken.chunksFrom(broken.next());
        assertThat(resumed).extracting(SnapshotChunk::index).containsOnly(boundary);
        // Its first chunk is from the start (it does not know what the follower holds): the follower answers how
        // much it holds, and the rest follows from there. The chunks the old leader delivered are not sent again.
        assertThat(resumed.get(0).offset()).isZero();
        assertThat(resumed.subList(1, resumed.size())).extracting(SnapshotChunk::offset)
                .allMatch(offset -> offset >= held);
        int chunks = (broken.snapshot().length + CHUNK - 1) / CHUNK;
        System.out.printf("snapshot of %d chunks: the old leader sent %d, the new one %d (offsets %s)%n", chunks,
                broken.chunksFrom(broken.leader()).size(), resumed.size(),
                resumed.stream().map(SnapshotChunk::offset).toList());
        assertThat(resumed.size()).as("chunks the new leader sent, of %d", chunks).isLessThan(chunks);
        assertThat(broken.cluster().installedSnapshots(broken.receiver(), 1)).containsExactly(boundary);
    }

    @Test
    void aNewLeaderWithAnotherSnapshotSendsItsOwnFromTheStart() {
        Broken broken = breakTransfer();
        SimCluster cluster = broken.cluster();
        // Writes go on without the receiver: the live nodes take newer snapshots than the one it holds part of.
        broken.expected().addAll(cluster.writeSequentially(1, "after-the-break-", 60));
        long partial = SnapshotImage.decode(broken.snapshot()).boundary().index();
        cluster.runUntil("node " + broken.next() + " holds a newer snapshot", () -> SnapshotImage.decode(
                cluster.storedSnapshot(broken.next(), 1)).boundary().index() > partial);

        handOver(broken);

        List<SnapshotChunk> sent = broken.chunksFrom(broken.next());
        System.out.printf("a snapshot of %d bytes broken off: the new leader sent its own, %d chunks from offset 0%n",
                broken.snapshot().length, sent.size());
        assertThat(sent).extracting(SnapshotChunk::index).doesNotContain(partial);
        assertThat(sent).extracting(SnapshotChunk::offset).as("from the start, chunk after chunk")
                .contains(0L, (long) CHUNK, 2L * CHUNK);
        assertThat(cluster.installedSnapshots(broken.receiver(), 1)).singleElement().isNotEqualTo(partial);
    }
}
