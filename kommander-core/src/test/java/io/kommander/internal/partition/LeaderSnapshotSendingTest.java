package io.kommander.internal.partition;

import io.kommander.internal.partition.LeaderReplicator.Stamp;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A leader's side of a snapshot transfer: a follower behind the compaction point is sent the snapshot, one chunk at a
 * time, from where it says it holds, within the node's budget, and is probed from the boundary once it installed it.
 */
class LeaderSnapshotSendingTest {

    private static final Stamp STAMP = new Stamp(3, 10, 0, 0);
    private static final int CHUNK = 16;
    private static final SnapshotImage IMAGE = new SnapshotImage(new LogPosition(8, 1), new byte[] {1},
            new byte[] {2}, new byte[40]);
    private static final byte[] ENCODED = IMAGE.encode();

    private final PartitionLog log = new PartitionLog();
    private final Snapshots snapshots = new Snapshots(1, EnumSet.noneOf(PlantedBug.class));
    private final LeaderReplicator replicator = new LeaderReplicator(1, log, MachineNet.SETTINGS, snapshots,
            EnumSet.noneOf(PlantedBug.class));
    private long clock;
    private Ready ready = new Ready();

    /** A leader whose log holds 1..10 (term 1), compacted to 8 behind its snapshot, tracking b. */
    private void lead(long bytesPerSecond) {
        log.append(run(1, 10, 1));
        log.compactedTo(new LogPosition(8, 1));
        snapshots.enable(new SnapshotThrottle(bytesPerSecond, () -> clock), CHUNK, 0, Long.MAX_VALUE);
        snapshots.held(Snapshots.Local.of(IMAGE, ENCODED));
        replicator.start(List.of("b"), 0);
    }

    /** As the host does when the leader asks: the snapshot's bytes are read back from the WAL. */
    private void loadedFromWal() {
        snapshots.startLoading();
        snapshots.read(ENCODED);
    }

    /** b answers the first probe: its log ends at 2, behind the compaction point. */
    private void fallBehind() {
        replicator.broadcast(STAMP, ready, false);
        replicator.onResponse(replicator.follower("b"), new AppendLogsResponse(1, 3, false, 2, 0), 0);
        ready = new Ready();
    }

    private List<InstallSnapshot> chunks() {
        List<InstallSnapshot> sent = ready.messages.stream().map(Ready.Outbound::message)
                .filter(m -> m instanceof InstallSnapshot).map(m -> (InstallSnapshot) m).toList();
        ready = new Ready();
        return sent;
    }

    private boolean answer(long held, boolean installed) {
        long crc = SnapshotImage.crc(ENCODED, 0, ENCODED.length);
        return replicator.onSnapshotResponse(replicator.follower("b"),
                new InstallSnapshotResponse(1, 3, 8, crc, held, installed), 0);
    }

    @Test
    void aFollowerBehindTheCompactionPointIsSentTheSnapshotOneChunkAtATime() {
        lead(1 << 20);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        assertThat(replicator.follower("b").state).isEqualTo(FollowerProgress.State.SNAPSHOT);
        assertThat(chunks()).singleElement().satisfies(chunk -> {
            assertThat(chunk.index()).isEqualTo(8);
            assertThat(chunk.indexTerm()).isEqualTo(1);
            assertThat(chunk.offset()).isZero();
            assertThat(chunk.data()).isEqualTo(Arrays.copyOf(ENCODED, CHUNK));
            assertThat(chunk.chunkCrc()).isEqualTo(SnapshotImage.crc(chunk.data(), 0, CHUNK));
            assertThat(chunk.totalBytes()).isEqualTo(ENCODED.length);
        });
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).as("one chunk in flight").isEmpty();
        assertThat(replicator.compactedGaps()).isZero();
    }

    @Test
    void theNextChunkStartsWhereTheFollowerSaysItHolds() {
        lead(1 << 20);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        chunks();
        assertThat(answer(CHUNK, false)).isFalse();
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).singleElement().extracting(InstallSnapshot::offset).isEqualTo((long) CHUNK);
        answer(5, false);
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).singleElement().extracting(InstallSnapshot::offset).isEqualTo(5L);
    }

    @Test
    void anUnansweredChunkIsSentAgainAfterTwoHeartbeats() {
        lead(1 << 20);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        chunks();
        replicator.heartbeat(STAMP, ready, 0);
        assertThat(chunks()).isEmpty();
        replicator.heartbeat(STAMP, ready, 0);
        assertThat(chunks()).singleElement().extracting(InstallSnapshot::offset).isEqualTo(0L);
    }

    @Test
    void onceInstalledTheFollowerIsProbedFromTheBoundary() {
        lead(1 << 20);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        chunks();
        assertThat(answer(ENCODED.length, true)).isTrue();
        FollowerProgress b = replicator.follower("b");
        assertThat(b.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(b.matchIndex).isEqualTo(8);
        assertThat(b.nextIndex).isEqualTo(9);
    }

    @Test
    void theNodesBudgetHoldsChunksBackUntilTimeEarnsMore() {
        lead(20);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).hasSize(1);
        answer(CHUNK, false);
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).as("4 bytes of budget left: one more goes, into debt").hasSize(1);
        answer(2 * CHUNK, false);
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).as("in debt").isEmpty();
        clock += 1_000;
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).singleElement().extracting(InstallSnapshot::offset).isEqualTo(2L * CHUNK);
    }

    @Test
    void theSnapshotIsReadFromTheWalWhenAFollowerNeedsItAndDroppedOnceNoneDoes() {
        lead(1 << 20);
        fallBehind();
        assertThat(snapshots.loaded()).as("an idle leader holds no snapshot bytes").isNull();
        replicator.broadcast(STAMP, ready, false);
        assertThat(ready.snapshotRead).isTrue();
        assertThat(chunks()).isEmpty();
        replicator.broadcast(STAMP, ready, false);
        assertThat(ready.snapshotRead).as("one read at a time").isFalse();

        assertThat(snapshots.read(Arrays.copyOf(ENCODED, ENCODED.length - 1))).as("not the latest's bytes").isFalse();
        snapshots.startLoading();
        assertThat(snapshots.read(ENCODED)).isTrue();
        replicator.snapshotLoaded(STAMP, ready);
        assertThat(chunks()).singleElement().extracting(InstallSnapshot::offset).isEqualTo(0L);

        assertThat(answer(ENCODED.length, true)).isTrue();
        assertThat(snapshots.loaded()).isNull();
    }

    @Test
    void withoutASnapshotAFollowerBehindTheCompactionPointIsCountedAsAGap() {
        log.append(run(1, 10, 1));
        log.compactedTo(new LogPosition(8, 1));
        replicator.start(List.of("b"), 0);
        fallBehind();
        loadedFromWal();
        replicator.broadcast(STAMP, ready, false);
        assertThat(chunks()).isEmpty();
        assertThat(replicator.compactedGaps()).isPositive();
    }
}
