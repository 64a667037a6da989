package io.kommander.sim;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimDiskTest {

    /** A batch appending entries {@code from..to} of term 1 to partition 1. */
    private static WalBatch entries(long from, long to) {
        return WalBatch.of(PartitionWrite.append(1, log(from, to)));
    }

    private static List<LogEntry> log(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(i -> new LogEntry(i, 1, EntryKind.DATA, HLCTimestamp.ZERO, "t", new byte[] {(byte) i}))
                .toList();
    }

    @Test
    void syncedWritesSurviveACrash() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 3));
        disk.crash();
        assertThat(disk.lastPosition(1)).isEqualTo(new LogPosition(3, 1));
        assertThat(disk.read(1, 1, 3, Long.MAX_VALUE)).hasSize(3);
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 2));
        disk.setWriteFailure(1.0);
        assertThatThrownBy(() -> disk.write(entries(3, 4))).isInstanceOf(WalException.class);
        assertThat(disk.lastPosition(1).index()).isEqualTo(2);
        assertThat(disk.failedWrites()).isEqualTo(1);
    }

    @Test
    void anUnsyncedCompactionIsVisibleAtOnceButACrashMayUndoIt() {
        int undone = 0;
        for (long seed = 0; seed < 20; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed));
            disk.write(entries(1, 5));
            disk.compact(1, new LogPosition(3, 1));
            assertThat(disk.compactedUpTo(1).index()).isEqualTo(3);
            assertThatThrownBy(() -> disk.read(1, 2, 5, Long.MAX_VALUE)).isInstanceOf(WalException.class);
            disk.crash();
            long point = disk.compactedUpTo(1).index();
            assertThat(point).isIn(0L, 3L);
            assertThat(disk.lastPosition(1).index()).isEqualTo(5);
            undone += point == 0 ? 1 : 0;
        }
        assertThat(undone).isBetween(1, 19);
    }

    @Test
    void theNextSyncMakesACompactionDurable() {
        SimDisk disk = new SimDisk(new SplittableRandom(3));
        disk.write(entries(1, 5));
        disk.compact(1, new LogPosition(3, 1));
        disk.write(entries(6, 6));
        disk.crash();
        assertThat(disk.compactedUpTo(1).index()).isEqualTo(3);
        assertThat(disk.read(1, 4, 6, Long.MAX_VALUE)).extracting(LogEntry::index).isEqualTo(List.of(4L, 5L, 6L));
    }

    @Test
    void aWriteTornByACrashLeavesNothingAndTheDeadIncarnationWritesNoMore() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 2));
        disk.armTear(disk::crash);
        assertThatThrownBy(() -> disk.write(entries(3, 5))).isInstanceOf(WalException.class);
        assertThatThrownBy(() -> disk.write(entries(3, 3))).isInstanceOf(WalException.class);
        assertThat(disk.tornWrites()).isEqualTo(1);
        assertThat(disk.lastPosition(1)).isEqualTo(new LogPosition(2, 1));
        disk.powerOn();
        disk.write(entries(3, 3));
        assertThat(disk.lastPosition(1).index()).isEqualTo(3);
    }

    @Test
    void aCrashBeforeTheArmedWriteDisarmsTheTear() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.armTear(disk::crash);
        disk.crash();
        disk.write(entries(1, 1));
        assertThat(disk.tornWrites()).isZero();
        assertThat(disk.lastPosition(1).index()).isEqualTo(1);
    }

    @Test
    void anInstalledSnapshotBoundaryIsSyncedAndSurvivesACrash() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 5));
        disk.installSnapshotBoundary(1, new LogPosition(8, 2));
        disk.crash();
        assertThat(disk.compactedUpTo(1)).isEqualTo(new LogPosition(8, 2));
        assertThat(disk.lastPosition(1)).isEqualTo(new LogPosition(8, 2));
        assertThat(disk.lastCheckpoint(1)).isEqualTo(8);
        assertThatThrownBy(() -> disk.read(1, 8, 9, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        assertThat(disk.writes()).isEqualTo(2);
    }

    @Test
    void aSnapshotBoundaryInstallMakesEarlierCompactionsDurable() {
        for (long seed = 0; seed < 20; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed));
            disk.write(WalBatch.of(List.of(PartitionWrite.append(1, log(1, 5)), PartitionWrite.append(2, log(1, 5)))));
            disk.compact(2, new LogPosition(3, 1));
            disk.installSnapshotBoundary(1, new LogPosition(9, 1));
            disk.crash();
            assertThat(disk.compactedUpTo(2)).as("seed %d", seed).isEqualTo(new LogPosition(3, 1));
        }
    }

    @Test
    void aSnapshotBoundaryInstallTornByACrashLeavesTheOldLog() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 5));
        disk.armTear(disk::crash);
        assertThatThrownBy(() -> disk.installSnapshotBoundary(1, new LogPosition(8, 2)))
                .isInstanceOf(WalException.class);
        assertThatThrownBy(() -> disk.installSnapshotBoundary(1, new LogPosition(8, 2)))
                .as("the dead incarnation writes no more").isInstanceOf(WalException.class);
        assertThat(disk.tornWrites()).isEqualTo(1);
        assertThat(disk.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
        assertThat(disk.read(1, 1, 5, Long.MAX_VALUE)).extracting(LogEntry::index)
                .isEqualTo(List.of(1L, 2L, 3L, 4L, 5L));
        disk.powerOn();
        disk.installSnapshotBoundary(1, new LogPosition(8, 2));
        assertThat(disk.lastPosition(1)).isEqualTo(new LogPosition(8, 2));
    }

    @Test
    void aFailedSnapshotBoundaryInstallChangesNothing() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 5));
        disk.setWriteFailure(1.0);
        assertThatThrownBy(() -> disk.installSnapshotBoundary(1, new LogPosition(8, 2)))
                .isInstanceOf(WalException.class);
        disk.crash();
        assertThat(disk.failedWrites()).isEqualTo(1);
        assertThat(disk.lastPosition(1)).isEqualTo(new LogPosition(5, 1));
        assertThat(disk.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
    }

    @Test
    void aSnapshotBoundaryBelowAnUnsyncedCompactionPointIsRejected() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 5));
        disk.compact(1, new LogPosition(4, 1));
        assertThatThrownBy(() -> disk.installSnapshotBoundary(1, new LogPosition(3, 1)))
                .isInstanceOf(WalException.class);
        assertThat(disk.compactedUpTo(1)).isEqualTo(new LogPosition(4, 1));
        assertThat(disk.read(1, 5, 5, Long.MAX_VALUE)).extracting(LogEntry::index).isEqualTo(List.of(5L));
    }

    @Test
    void aRemovalIsSyncedAndTakesTheUnsyncedCompactionWithIt() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 5));
        disk.compact(1, new LogPosition(3, 1));

        disk.removePartition(1);
        disk.crash();

        assertThat(disk.partitions()).isEmpty();
        assertThat(disk.lastPosition(1)).isEqualTo(LogPosition.ZERO);
        assertThat(disk.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
    }

    @Test
    void aFailedRemovalLeavesThePartitionAsItWas() {
        SimDisk disk = new SimDisk(new SplittableRandom(1));
        disk.write(entries(1, 2));
        disk.setWriteFailure(1.0);

        assertThatThrownBy(() -> disk.removePartition(1)).isInstanceOf(WalException.class);

        assertThat(disk.lastPosition(1).index()).isEqualTo(2);
    }
}
