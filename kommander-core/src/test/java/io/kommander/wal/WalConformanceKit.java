package io.kommander.wal;

import io.kommander.time.HLCTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The executable form of the {@link IWAL} contract. Every {@code IWAL} implementation extends this class in its
 * own tests and supplies {@link #openWal()} (and {@link #reopenWal(IWAL)} when reopening is not the same as
 * opening again); each test checks one clause of the contract.
 *
 * <p>Each test gets fresh storage: {@code openWal()} is called once per test, and {@code reopenWal} reopens the
 * same storage after a simulated restart. WALs opened through these hooks are closed after each test.
 */
public abstract class WalConformanceKit {

    private final List<IWAL> opened = new ArrayList<>();

    /** Opens an empty WAL on fresh storage. Called once per test, before any {@link #reopenWal(IWAL)}. */
    protected abstract IWAL openWal();

    /**
     * Simulates a restart: returns a new WAL on the same storage as {@code closed}, which the kit has closed.
     * The default calls {@link #openWal()} again, which is right when {@code openWal()} opens the same
     * per-test location every time (a folder, for instance).
     */
    protected IWAL reopenWal(IWAL closed) {
        return openWal();
    }

    @AfterEach
    final void closeOpenedWals() {
        for (IWAL wal : opened) {
            try {
                wal.close();
            } catch (WalException alreadyClosed) {
                // Some implementations reject a second close; the WAL is closed either way.
            }
        }
    }

    private IWAL wal() {
        IWAL wal = openWal();
        opened.add(wal);
        return wal;
    }

    private IWAL restart(IWAL wal) {
        wal.close();
        IWAL reopened = reopenWal(wal);
        opened.add(reopened);
        return reopened;
    }

    // ---- entry and batch helpers ----

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.DATA, new HLCTimestamp(1_700_000_000_000L + index, index % 3, (int) (index % 4)),
                "type-" + index, ("payload-" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static List<LogEntry> entries(long from, long to, long term) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term)).toList();
    }

    private static void append(IWAL wal, int partition, long from, long to, long term) {
        wal.write(WalBatch.of(PartitionWrite.append(partition, entries(from, to, term))));
    }

    private static PartitionWrite truncateAndAppend(int partition, long truncateAfter, List<LogEntry> entries) {
        return new PartitionWrite(partition, truncateAfter, entries, null, PartitionWrite.NO_CHECKPOINT);
    }

    private static PartitionWrite checkpoint(int partition, long index) {
        return new PartitionWrite(partition, PartitionWrite.NO_TRUNCATE, List.of(), null, index);
    }

    private static List<LogEntry> readAll(IWAL wal, int partition) {
        return wal.read(partition, wal.compactedUpTo(partition).index() + 1, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    // ---- empty log ----

    @Test
    void freshWalHasNoPartitionsAndZeroPositions() {
        IWAL wal = wal();

        assertThat(wal.partitions()).isEmpty();
        assertThat(wal.lastPosition(7)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.compactedUpTo(7)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.hardState(7)).isEqualTo(HardState.EMPTY);
        assertThat(wal.lastCheckpoint(7)).isZero();
        assertThat(wal.metadata("absent")).isEmpty();
    }

    @Test
    void readOfAPartitionNeverWrittenIsEmpty() {
        IWAL wal = wal();

        assertThat(wal.read(3, 1, 100, Long.MAX_VALUE)).isEmpty();
    }

    // ---- appends and atomic batches ----

    @Test
    void appendedEntriesAreReadBackInOrderAndMoveLastPosition() {
        IWAL wal = wal();

        append(wal, 1, 1, 5, 2);

        assertThat(wal.read(1, 1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 5, 2));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(5, 2));
        assertThat(wal.partitions()).containsExactly(1);
    }

    @Test
    void batchOfManyPartitionsMakesEveryWriteVisible() {
        IWAL wal = wal();

        wal.write(new WalBatch(List.of(
                PartitionWrite.append(1, entries(1, 3, 1)),
                PartitionWrite.append(2, entries(1, 2, 4)),
                new PartitionWrite(3, PartitionWrite.NO_TRUNCATE, entries(1, 1, 1), new HardState(1, "n1", 0), 1)),
                Map.of("cluster", new byte[]{1, 2})));

        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(3, 1));
        assertThat(wal.lastPosition(2)).isEqualTo(new LogPosition(2, 4));
        assertThat(wal.lastPosition(3)).isEqualTo(new LogPosition(1, 1));
        assertThat(wal.hardState(3)).isEqualTo(new HardState(1, "n1", 0));
        assertThat(wal.lastCheckpoint(3)).isEqualTo(1);
        assertThat(wal.metadata("cluster")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
    }

    @Test
    void batchWithOneNonContiguousWriteLeavesNothingVisible() {
        IWAL wal = wal();
        append(wal, 1, 1, 2, 1);

        WalBatch invalid = new WalBatch(List.of(
                PartitionWrite.append(1, entries(3, 4, 1)),
                new PartitionWrite(2, PartitionWrite.NO_TRUNCATE, entries(1, 1, 1), new HardState(5, "n2", 1), 1),
                PartitionWrite.append(3, entries(2, 2, 1))),   // gap: partition 3 is empty, first index must be 1
                Map.of("cluster", new byte[]{9}));

        assertThatThrownBy(() -> wal.write(invalid)).isInstanceOf(WalException.class);
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(2, 1));
        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 2, 1));
        assertThat(wal.lastPosition(2)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.hardState(2)).isEqualTo(HardState.EMPTY);
        assertThat(wal.lastCheckpoint(2)).isZero();
        assertThat(wal.metadata("cluster")).isEmpty();
        assertThat(wal.partitions()).containsExactly(1);
    }

    @Test
    void rejectedBatchLeavesNothingVisibleAfterRestart() {
        IWAL wal = wal();
        append(wal, 1, 1, 2, 1);
        WalBatch invalid = WalBatch.of(List.of(
                PartitionWrite.append(2, entries(1, 3, 1)),
                PartitionWrite.append(1, entries(4, 4, 1))));
        assertThatThrownBy(() -> wal.write(invalid)).isInstanceOf(WalException.class);

        IWAL reopened = restart(wal);

        assertThat(reopened.partitions()).containsExactly(1);
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(2, 1));
        assertThat(reopened.read(2, 1, 10, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void walStaysUsableAfterARejectedBatch() {
        IWAL wal = wal();
        append(wal, 1, 1, 2, 1);
        assertThatThrownBy(() -> append(wal, 1, 5, 5, 1)).isInstanceOf(WalException.class);

        append(wal, 1, 3, 4, 1);

        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 4, 1));
    }

    @Test
    void firstEntryOfANewPartitionMustHaveIndexOne() {
        IWAL wal = wal();

        assertThatThrownBy(() -> append(wal, 1, 2, 3, 1)).isInstanceOf(WalException.class);
        assertThat(wal.lastPosition(1)).isEqualTo(LogPosition.ZERO);
    }

    @Test
    void appendLeavingAGapIsRejected() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);

        assertThatThrownBy(() -> append(wal, 1, 5, 6, 1)).isInstanceOf(WalException.class);
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(3, 1));
    }

    @Test
    void appendOverlappingTheLogWithoutTruncationIsRejected() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);

        assertThatThrownBy(() -> append(wal, 1, 3, 4, 2)).isInstanceOf(WalException.class);
        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 3, 1));
    }

    @Test
    void entriesWithinOneWriteMustBeContiguous() {
        IWAL wal = wal();
        List<LogEntry> withGap = List.of(entry(1, 1), entry(2, 1), entry(4, 1));

        assertThatThrownBy(() -> wal.write(WalBatch.of(PartitionWrite.append(1, withGap))))
                .isInstanceOf(WalException.class);
        assertThat(wal.lastPosition(1)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.partitions()).isEmpty();
    }

    @Test
    void writesOfOnePartitionInOneBatchApplyInListOrder() {
        IWAL wal = wal();

        wal.write(WalBatch.of(List.of(
                PartitionWrite.append(1, entries(1, 2, 1)),
                PartitionWrite.append(1, entries(3, 4, 1)),
                truncateAndAppend(1, 3, entries(4, 5, 2)))));

        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE))
                .containsExactly(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 2), entry(5, 2));
    }

    // ---- truncation ----

    @Test
    void truncateSuffixThenAppendInOneWriteReplacesTheSuffix() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);

        wal.write(WalBatch.of(truncateAndAppend(1, 3, entries(4, 6, 2))));

        List<LogEntry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.addAll(entries(4, 6, 2));
        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(6, 2));
    }

    @Test
    void truncationWithoutAppendMovesLastPositionBack() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);

        wal.write(WalBatch.of(truncateAndAppend(1, 2, List.of())));

        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(2, 1));
        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 2, 1));
    }

    @Test
    void truncationToZeroEmptiesTheLog() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);

        wal.write(WalBatch.of(truncateAndAppend(1, 0, entries(1, 1, 2))));

        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactly(entry(1, 2));
    }

    @Test
    void truncationBeyondTheLastIndexChangesNothing() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);

        wal.write(WalBatch.of(truncateAndAppend(1, 10, entries(4, 4, 1))));

        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 4, 1));
    }

    @Test
    void truncationBelowTheCompactionPointIsRejected() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);
        wal.compact(1, new LogPosition(3, 1));

        assertThatThrownBy(() -> wal.write(WalBatch.of(truncateAndAppend(1, 2, entries(3, 3, 2)))))
                .isInstanceOf(WalException.class);
        assertThat(wal.read(1, 4, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(4, 5, 1));
    }

    @Test
    void truncationAndAppendSurviveRestart() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);
        wal.write(WalBatch.of(truncateAndAppend(1, 2, entries(3, 3, 2))));

        IWAL reopened = restart(wal);

        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(3, 2));
        assertThat(reopened.read(1, 1, 10, Long.MAX_VALUE))
                .containsExactly(entry(1, 1), entry(2, 1), entry(3, 2));
        append(reopened, 1, 4, 4, 2);
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(4, 2));
    }

    // ---- reads ----

    @Test
    void readReturnsTheInclusiveRange() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);

        assertThat(wal.read(1, 3, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(3, 6, 1));
        assertThat(wal.read(1, 4, 4, Long.MAX_VALUE)).containsExactly(entry(4, 1));
    }

    @Test
    void readIsClampedToTheLastIndex() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);

        assertThat(wal.read(1, 8, 20, Long.MAX_VALUE)).containsExactlyElementsOf(entries(8, 10, 1));
    }

    @Test
    void readBeyondTheLastIndexIsEmpty() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);

        assertThat(wal.read(1, 4, 10, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void readDoesNotReturnEntriesOfOtherPartitions() {
        IWAL wal = wal();
        wal.write(WalBatch.of(List.of(
                PartitionWrite.append(1, entries(1, 3, 1)),
                PartitionWrite.append(2, entries(1, 5, 7)),
                PartitionWrite.append(0, entries(1, 2, 9)))));

        assertThat(wal.read(1, 1, 100, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 3, 1));
        assertThat(wal.read(0, 1, 100, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 2, 9));
    }

    @Test
    void readStopsBeforeTheReturnedEntriesExceedMaxBytes() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);
        long threeEntries = entries(1, 3, 1).stream().mapToLong(LogEntry::sizeEstimate).sum();

        List<LogEntry> read = wal.read(1, 1, 10, threeEntries);

        assertThat(read).containsExactlyElementsOf(entries(1, 3, 1));
    }

    @Test
    void readReturnsOneEntryEvenWhenItAloneExceedsMaxBytes() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);

        assertThat(wal.read(1, 5, 10, 1)).containsExactly(entry(5, 1));
    }

    @Test
    void readAtOrBelowTheCompactionPointThrows() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);
        wal.compact(1, new LogPosition(4, 1));

        assertThatThrownBy(() -> wal.read(1, 4, 10, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        assertThatThrownBy(() -> wal.read(1, 1, 10, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        assertThat(wal.read(1, 5, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(5, 10, 1));
    }

    // ---- compaction ----

    @Test
    void compactionMovesTheCompactionPointAndKeepsTheLastPosition() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 3);

        wal.compact(1, new LogPosition(6, 3));

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(6, 3));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(10, 3));
        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(7, 10, 3));
    }

    @Test
    void compactingEverythingLeavesTheLastPositionAtTheCompactionPoint() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 2);

        wal.compact(1, new LogPosition(5, 2));

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 2));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(5, 2));
        assertThat(wal.read(1, 6, 10, Long.MAX_VALUE)).isEmpty();
        assertThat(wal.partitions()).containsExactly(1);
    }

    @Test
    void appendAfterCompactingEverythingContinuesAfterTheCompactionPoint() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 2);
        wal.compact(1, new LogPosition(5, 2));

        assertThatThrownBy(() -> append(wal, 1, 1, 1, 3)).isInstanceOf(WalException.class);
        append(wal, 1, 6, 7, 3);

        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(6, 7, 3));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(7, 3));
    }

    @Test
    void compactionBeyondTheLastIndexThrowsAndChangesNothing() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);

        assertThatThrownBy(() -> wal.compact(1, new LogPosition(6, 1))).isInstanceOf(WalException.class);
        assertThat(wal.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 5, 1));
    }

    @Test
    void compactionOfANeverWrittenPartitionThrows() {
        IWAL wal = wal();

        assertThatThrownBy(() -> wal.compact(9, new LogPosition(3, 1))).isInstanceOf(WalException.class);
        assertThat(wal.compactedUpTo(9)).isEqualTo(LogPosition.ZERO);
    }

    @Test
    void compactionAtOrBelowTheCurrentPointIsANoOp() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);
        wal.compact(1, new LogPosition(5, 1));

        wal.compact(1, new LogPosition(5, 1));
        wal.compact(1, new LogPosition(3, 1));
        wal.compact(1, LogPosition.ZERO);

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 1));
        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(6, 10, 1));
    }

    @Test
    void compactionPointSurvivesRestart() {
        IWAL wal = wal();
        append(wal, 1, 1, 10, 1);
        append(wal, 2, 1, 4, 1);
        wal.compact(1, new LogPosition(7, 1));
        wal.compact(2, new LogPosition(4, 1));

        IWAL reopened = restart(wal);

        assertThat(reopened.compactedUpTo(1)).isEqualTo(new LogPosition(7, 1));
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(10, 1));
        assertThat(readAll(reopened, 1)).containsExactlyElementsOf(entries(8, 10, 1));
        assertThat(reopened.compactedUpTo(2)).isEqualTo(new LogPosition(4, 1));
        assertThat(reopened.lastPosition(2)).isEqualTo(new LogPosition(4, 1));
        assertThatThrownBy(() -> reopened.read(1, 7, 10, Long.MAX_VALUE)).isInstanceOf(WalException.class);
    }

    // ---- snapshot boundary ----

    @Test
    void installedBoundaryBeyondTheLogDropsEveryEntryAndBecomesCompactionPointAndLastPosition() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);
        wal.compact(1, new LogPosition(2, 1));

        wal.installSnapshotBoundary(1, new LogPosition(9, 3));

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(9, 3));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(9, 3));
        assertThat(wal.read(1, 10, 20, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void installedBoundaryInsideTheLogDropsTheEntriesAfterItToo() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);

        wal.installSnapshotBoundary(1, new LogPosition(5, 2));

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 2));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(5, 2));
        assertThat(wal.read(1, 6, 20, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void installedBoundaryAtTheCompactionPointDropsEveryRetainedEntry() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        wal.compact(1, new LogPosition(4, 1));

        wal.installSnapshotBoundary(1, new LogPosition(4, 1));

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(4, 1));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(4, 1));
        assertThat(wal.read(1, 5, 20, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void installedBoundaryKeepsTheHardStateAndBecomesTheLastCheckpoint() {
        IWAL wal = wal();
        wal.write(WalBatch.of(new PartitionWrite(1, PartitionWrite.NO_TRUNCATE, entries(1, 6, 2),
                new HardState(4, "n-2", 3), 2)));

        wal.installSnapshotBoundary(1, new LogPosition(40, 4));

        assertThat(wal.hardState(1)).isEqualTo(new HardState(4, "n-2", 3));
        assertThat(wal.lastCheckpoint(1)).isEqualTo(40);
    }

    @Test
    void appendAfterAnInstalledBoundaryContinuesFromTheBoundaryPlusOne() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        wal.installSnapshotBoundary(1, new LogPosition(5, 2));

        assertThatThrownBy(() -> append(wal, 1, 9, 9, 2)).isInstanceOf(WalException.class);
        assertThatThrownBy(() -> append(wal, 1, 1, 1, 2)).isInstanceOf(WalException.class);
        append(wal, 1, 6, 7, 3);

        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(6, 7, 3));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(7, 3));
        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 2));
    }

    @Test
    void readAtOrBelowAnInstalledBoundaryThrowsAsACompactedReadDoes() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        wal.installSnapshotBoundary(1, new LogPosition(5, 2));
        append(wal, 1, 6, 6, 2);

        assertThatThrownBy(() -> wal.read(1, 5, 6, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        assertThatThrownBy(() -> wal.read(1, 1, 6, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        assertThat(wal.read(1, 6, 6, Long.MAX_VALUE)).containsExactly(entry(6, 2));
    }

    @Test
    void installedBoundaryCreatesANeverWrittenPartition() {
        IWAL wal = wal();

        wal.installSnapshotBoundary(4, new LogPosition(12, 5));
        append(wal, 4, 13, 13, 5);

        assertThat(wal.partitions()).containsExactly(4);
        assertThat(wal.compactedUpTo(4)).isEqualTo(new LogPosition(12, 5));
        assertThat(wal.lastPosition(4)).isEqualTo(new LogPosition(13, 5));
        assertThat(wal.hardState(4)).isEqualTo(HardState.EMPTY);
    }

    @Test
    void installedBoundaryLeavesOtherPartitionsUntouched() {
        IWAL wal = wal();
        // Neighbouring ids, and ids a few apart, so that storage sharded by partition id has neighbours in a shard.
        List<Integer> others = List.of(0, 2, 3, 4, 5, 7, 9, 17);
        List<PartitionWrite> writes = new ArrayList<>();
        writes.add(PartitionWrite.append(1, entries(1, 6, 1)));
        others.forEach(p -> writes.add(PartitionWrite.append(p, entries(1, 6, 1))));
        wal.write(WalBatch.of(writes));
        wal.compact(3, new LogPosition(2, 1));

        wal.installSnapshotBoundary(1, new LogPosition(20, 2));

        for (int p : others) {
            assertThat(wal.lastPosition(p)).isEqualTo(new LogPosition(6, 1));
            assertThat(readAll(wal, p)).containsExactlyElementsOf(entries(wal.compactedUpTo(p).index() + 1, 6, 1));
        }
        assertThat(wal.compactedUpTo(3)).isEqualTo(new LogPosition(2, 1));
    }

    @Test
    void installedBoundaryBelowTheCompactionPointIsRejectedAndChangesNothing() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        wal.compact(1, new LogPosition(5, 1));

        assertThatThrownBy(() -> wal.installSnapshotBoundary(1, new LogPosition(4, 1)))
                .isInstanceOf(WalException.class);

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 1));
        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(6, 8, 1));
        assertThat(wal.lastCheckpoint(1)).isZero();
    }

    @Test
    void impossibleBoundariesAreRejectedAndChangeNothing() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        wal.compact(1, new LogPosition(5, 1));

        List<LogPosition> impossible = List.of(
                new LogPosition(5, 2),      // the compaction point's index with another term
                new LogPosition(-1, 0),
                new LogPosition(9, -1));
        for (LogPosition boundary : impossible) {
            assertThatThrownBy(() -> wal.installSnapshotBoundary(1, boundary)).as("%s", boundary)
                    .isInstanceOf(WalException.class);
        }
        assertThatThrownBy(() -> wal.installSnapshotBoundary(2, new LogPosition(0, 1)))
                .isInstanceOf(WalException.class);

        assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 1));
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(8, 1));
        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(6, 8, 1));
        assertThat(wal.partitions()).containsExactly(1);
    }

    @Test
    void installedBoundaryOfZeroEmptiesANeverCompactedLog() {
        IWAL wal = wal();
        append(wal, 1, 1, 4, 1);

        wal.installSnapshotBoundary(1, LogPosition.ZERO);
        append(wal, 1, 1, 2, 2);

        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(1, 2, 2));
        assertThat(wal.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
    }

    @Test
    void installedBoundarySurvivesRestart() {
        IWAL wal = wal();
        wal.write(WalBatch.of(new PartitionWrite(1, PartitionWrite.NO_TRUNCATE, entries(1, 8, 1),
                new HardState(2, "n-1", 8), 4)));
        wal.installSnapshotBoundary(1, new LogPosition(6, 2));

        IWAL reopened = restart(wal);

        assertThat(reopened.partitions()).containsExactly(1);
        assertThat(reopened.compactedUpTo(1)).isEqualTo(new LogPosition(6, 2));
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(6, 2));
        assertThat(reopened.hardState(1)).isEqualTo(new HardState(2, "n-1", 8));
        assertThat(reopened.lastCheckpoint(1)).isEqualTo(6);
        assertThatThrownBy(() -> reopened.read(1, 6, 10, Long.MAX_VALUE)).isInstanceOf(WalException.class);
        append(reopened, 1, 7, 9, 2);
        assertThat(readAll(reopened, 1)).containsExactlyElementsOf(entries(7, 9, 2));
    }

    @Test
    void installedBoundaryAfterAnUnsyncedCompactionSurvivesRestart() {
        IWAL wal = wal();
        append(wal, 1, 1, 8, 1);
        append(wal, 2, 1, 8, 1);
        wal.compact(1, new LogPosition(3, 1));
        wal.compact(2, new LogPosition(4, 1));
        wal.installSnapshotBoundary(1, new LogPosition(7, 1));

        IWAL reopened = restart(wal);

        assertThat(reopened.compactedUpTo(1)).isEqualTo(new LogPosition(7, 1));
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(7, 1));
        assertThat(reopened.compactedUpTo(2)).isEqualTo(new LogPosition(4, 1));
        assertThat(readAll(reopened, 2)).containsExactlyElementsOf(entries(5, 8, 1));
    }

    @Test
    void boundariesInstalledOneAfterAnotherSurviveRestart() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);
        wal.installSnapshotBoundary(1, new LogPosition(10, 2));
        append(wal, 1, 11, 15, 2);
        wal.installSnapshotBoundary(1, new LogPosition(12, 2));
        append(wal, 1, 13, 14, 3);

        IWAL reopened = restart(wal);

        assertThat(reopened.compactedUpTo(1)).isEqualTo(new LogPosition(12, 2));
        assertThat(readAll(reopened, 1)).containsExactlyElementsOf(entries(13, 14, 3));
        assertThat(reopened.lastPosition(1)).isEqualTo(new LogPosition(14, 3));
        assertThat(reopened.lastCheckpoint(1)).isEqualTo(12);
    }

    // ---- hard state, checkpoint, metadata ----

    @Test
    void hardStateRoundTripsAndTheLatestWins() {
        IWAL wal = wal();

        wal.write(WalBatch.of(PartitionWrite.hardState(4, new HardState(2, "node-2:7002", 0))));
        wal.write(WalBatch.of(PartitionWrite.hardState(4, new HardState(3, "nœud-3 ✓", 17))));

        assertThat(wal.hardState(4)).isEqualTo(new HardState(3, "nœud-3 ✓", 17));
        assertThat(wal.lastPosition(4)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.partitions()).containsExactly(4);
    }

    @Test
    void writeWithoutHardStateKeepsTheStoredOne() {
        IWAL wal = wal();
        wal.write(WalBatch.of(PartitionWrite.hardState(1, new HardState(2, "n1", 0))));

        append(wal, 1, 1, 2, 2);

        assertThat(wal.hardState(1)).isEqualTo(new HardState(2, "n1", 0));
    }

    @Test
    void hardStateWithNoVoteRoundTrips() {
        IWAL wal = wal();

        wal.write(WalBatch.of(PartitionWrite.hardState(1, new HardState(9, null, 4))));

        assertThat(restart(wal).hardState(1)).isEqualTo(new HardState(9, "", 4));
    }

    @Test
    void lastCheckpointIsRecordedAndKeptWhenNotGiven() {
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);

        wal.write(WalBatch.of(checkpoint(1, 4)));
        append(wal, 1, 6, 6, 1);

        assertThat(wal.lastCheckpoint(1)).isEqualTo(4);
        wal.write(WalBatch.of(checkpoint(1, 6)));
        assertThat(wal.lastCheckpoint(1)).isEqualTo(6);
    }

    @Test
    void metadataRoundTripsAndCanBeOverwritten() {
        IWAL wal = wal();

        wal.write(new WalBatch(List.of(), Map.of("node-id", new byte[]{1}, "ключ", new byte[0])));
        wal.write(new WalBatch(List.of(), Map.of("node-id", new byte[]{2, 3})));

        assertThat(wal.metadata("node-id")).hasValueSatisfying(v -> assertThat(v).containsExactly(2, 3));
        assertThat(wal.metadata("ключ")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(wal.metadata("other")).isEmpty();
        assertThat(wal.partitions()).isEmpty();
    }

    @Test
    void changingAReturnedMetadataValueDoesNotChangeTheStoredOne() {
        IWAL wal = wal();
        wal.write(new WalBatch(List.of(), Map.of("k", new byte[]{1, 2})));

        wal.metadata("k").orElseThrow()[0] = 42;

        assertThat(wal.metadata("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
    }

    @Test
    void partitionsListsEveryPartitionWithStoredState() {
        IWAL wal = wal();

        wal.write(WalBatch.of(List.of(
                PartitionWrite.append(10, entries(1, 1, 1)),
                PartitionWrite.hardState(20, new HardState(1, "", 0)),
                checkpoint(30, 0),
                PartitionWrite.append(0, entries(1, 2, 1)))));

        assertThat(wal.partitions()).containsExactlyInAnyOrder(0, 10, 20, 30);
        assertThat(restart(wal).partitions()).containsExactlyInAnyOrder(0, 10, 20, 30);
    }

    // ---- durability across restarts ----

    @Test
    void everythingSurvivesRestartByteForByte() {
        IWAL wal = wal();
        byte[] large = new byte[1 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31 + (i >>> 9));
        }
        List<LogEntry> written = new ArrayList<>();
        long index = 1;
        for (EntryKind kind : EntryKind.values()) {
            written.add(new LogEntry(index++, 3, kind, new HLCTimestamp(1_732_000_000_123L, index, 7), "", new byte[0]));
            written.add(new LogEntry(index++, 3, kind, new HLCTimestamp(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE),
                    "订单/créé 🚀", new byte[]{0, -1, 127, -128}));
        }
        written.add(new LogEntry(index++, Long.MAX_VALUE, EntryKind.DATA, HLCTimestamp.ZERO, "large", large));
        written.add(new LogEntry(index, Long.MAX_VALUE, EntryKind.SYSTEM, HLCTimestamp.ZERO,
                "x".repeat(70_000), "tail".getBytes(StandardCharsets.UTF_8)));
        wal.write(new WalBatch(List.of(
                new PartitionWrite(5, PartitionWrite.NO_TRUNCATE, written, new HardState(3, "n-1", 2), 2)),
                Map.of("cluster-id", "κ-1".getBytes(StandardCharsets.UTF_8))));

        IWAL reopened = restart(wal);

        List<LogEntry> read = reopened.read(5, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(read).containsExactlyElementsOf(written);
        for (int i = 0; i < written.size(); i++) {
            assertThat(Arrays.equals(read.get(i).data(), written.get(i).data())).isTrue();
        }
        assertThat(reopened.lastPosition(5)).isEqualTo(new LogPosition(index, Long.MAX_VALUE));
        assertThat(reopened.hardState(5)).isEqualTo(new HardState(3, "n-1", 2));
        assertThat(reopened.lastCheckpoint(5)).isEqualTo(2);
        assertThat(reopened.metadata("cluster-id"))
                .hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("κ-1"));
    }

    @Test
    void requestIdsOfEntriesSurviveRestart() {
        IWAL wal = wal();
        List<LogEntry> written = List.of(
                new LogEntry(1, 1, EntryKind.DATA, new HLCTimestamp(1, 0, 0), "t", new byte[] {1}, 0x7EADBEEFL, 1),
                new LogEntry(2, 1, EntryKind.DATA, new HLCTimestamp(2, 0, 0), "t", new byte[] {2}),
                new LogEntry(3, 1, EntryKind.PROPOSED, new HLCTimestamp(3, 0, 0), "", new byte[0], -1, Long.MAX_VALUE));
        wal.write(WalBatch.of(PartitionWrite.append(1, written)));

        List<LogEntry> read = restart(wal).read(1, 1, 3, Long.MAX_VALUE);

        assertThat(read).containsExactlyElementsOf(written);
        assertThat(read).extracting(LogEntry::clientId).containsExactly(0x7EADBEEFL, 0L, -1L);
        assertThat(read).extracting(LogEntry::sequence).containsExactly(1L, 0L, Long.MAX_VALUE);
    }

    @Test
    void manyPartitionsSurviveRestart() {
        IWAL wal = wal();
        List<PartitionWrite> writes = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            writes.add(PartitionWrite.append(p, entries(1, 1 + p % 4, 1 + p % 5)));
        }
        wal.write(WalBatch.of(writes));

        IWAL reopened = restart(wal);

        assertThat(reopened.partitions()).hasSize(300);
        for (int p = 0; p < 300; p++) {
            assertThat(reopened.lastPosition(p)).isEqualTo(new LogPosition(1 + p % 4, 1 + p % 5));
            assertThat(readAll(reopened, p)).containsExactlyElementsOf(entries(1, 1 + p % 4, 1 + p % 5));
        }
    }

    // ---- concurrency ----

    @Test
    void readsRunConcurrentlyWithWritesAndSeeContiguousPrefixes() throws Exception {
        IWAL wal = wal();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                for (long i = 1; i <= 400; i++) {
                    wal.write(WalBatch.of(List.of(
                            PartitionWrite.append(1, List.of(entry(i, 1))),
                            PartitionWrite.append(2, List.of(entry(i, 2))))));
                }
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int partition = 1; partition <= 2; partition++) {
                int p = partition;
                readers.add(pool.submit(() -> {
                    long seen = 0;
                    while (seen < 400) {
                        List<LogEntry> read = wal.read(p, 1, Long.MAX_VALUE, Long.MAX_VALUE);
                        assertThat(read).containsExactlyElementsOf(entries(1, read.size(), p));
                        assertThat(read.size()).isGreaterThanOrEqualTo((int) seen);
                        seen = read.size();
                    }
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            for (Future<?> reader : readers) {
                reader.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(400, 1));
        assertThat(wal.lastPosition(2)).isEqualTo(new LogPosition(400, 2));
    }

    @Test
    void readsRunningWhileBoundariesAreInstalledSeeOneLogNeverAMix() throws Exception {
        IWAL wal = wal();
        int rounds = 60;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Round r installs boundary (10 r, r), then appends 10 r + 1 .. 10 r + 5 of term r, one write each.
            CountDownLatch readerStarted = new CountDownLatch(1);
            Future<?> writer = pool.submit(() -> {
                readerStarted.await();
                for (long round = 1; round <= rounds; round++) {
                    wal.installSnapshotBoundary(1, new LogPosition(10 * round, round));
                    for (long i = 10 * round + 1; i <= 10 * round + 5; i++) {
                        append(wal, 1, i, i, round);
                    }
                }
                return null;
            });
            Future<?> reader = pool.submit(() -> {
                readerStarted.countDown();
                while (!writer.isDone()) {
                    long from = wal.compactedUpTo(1).index() + 1;
                    List<LogEntry> read;
                    try {
                        read = wal.read(1, from, Long.MAX_VALUE, Long.MAX_VALUE);
                    } catch (WalException goneMeanwhile) {
                        continue;
                    }
                    if (!read.isEmpty()) {
                        long term = read.get(0).term();
                        assertThat(read).containsExactlyElementsOf(entries(from, from + read.size() - 1, term));
                        assertThat(from).isEqualTo(10 * term + 1);
                    }
                }
            });
            writer.get(60, TimeUnit.SECONDS);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(10L * rounds + 5, rounds));
        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(10L * rounds + 1, 10L * rounds + 5, rounds));
    }

    // ---- removing a partition ----

    @Test
    void removedPartitionReadsAsNeverWrittenAndOtherPartitionsAreUntouched() {
        IWAL wal = wal();
        wal.write(WalBatch.of(List.of(
                new PartitionWrite(1, PartitionWrite.NO_TRUNCATE, entries(1, 6, 2), new HardState(2, "n1", 5), 4),
                new PartitionWrite(2, PartitionWrite.NO_TRUNCATE, entries(1, 3, 1), new HardState(1, "n2", 2), 2))));
        wal.compact(1, new LogPosition(3, 2));

        wal.removePartition(1);

        assertThat(wal.partitions()).containsExactly(2);
        assertThat(wal.lastPosition(1)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.compactedUpTo(1)).isEqualTo(LogPosition.ZERO);
        assertThat(wal.hardState(1)).isEqualTo(HardState.EMPTY);
        assertThat(wal.lastCheckpoint(1)).isZero();
        assertThat(wal.read(1, 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
        assertThat(readAll(wal, 2)).containsExactlyElementsOf(entries(1, 3, 1));
        assertThat(wal.hardState(2)).isEqualTo(new HardState(1, "n2", 2));
        assertThat(wal.lastCheckpoint(2)).isEqualTo(2);
    }

    @Test
    void removalOfEntriesWithLargePayloadsSurvivesRestartAndKeepsOtherPartitionsLargePayloads() {
        IWAL wal = wal();
        byte[] large = new byte[64 * 1024];
        Arrays.fill(large, (byte) 7);
        List<LogEntry> big = LongStream.rangeClosed(1, 4).mapToObj(i -> new LogEntry(i, 1, EntryKind.DATA,
                HLCTimestamp.ZERO, "big", large)).toList();
        wal.write(WalBatch.of(List.of(PartitionWrite.append(1, big), PartitionWrite.append(2, big))));

        wal.removePartition(1);
        IWAL reopened = restart(wal);

        assertThat(reopened.partitions()).containsExactly(2);
        assertThat(reopened.lastPosition(1)).isEqualTo(LogPosition.ZERO);
        assertThat(readAll(reopened, 2)).hasSize(4).allSatisfy(e -> assertThat(e.data()).isEqualTo(large));
    }

    @Test
    void removalIsIdempotentAndAPartitionNeverWrittenIsLeftAsIs() {
        IWAL wal = wal();
        append(wal, 2, 1, 2, 1);

        wal.removePartition(1);
        wal.removePartition(2);
        wal.removePartition(2);

        assertThat(wal.partitions()).isEmpty();
        assertThat(restart(wal).partitions()).isEmpty();
    }

    @Test
    void removedPartitionIdCanBeWrittenAgainFromIndexOne() {
        // Kommander never reuses a removed id; the storage still treats it as a new partition, not a broken one.
        IWAL wal = wal();
        append(wal, 1, 1, 5, 1);
        wal.removePartition(1);

        append(wal, 1, 1, 2, 3);

        assertThat(readAll(wal, 1)).containsExactlyElementsOf(entries(1, 2, 3));
    }

    // ---- closing ----

    @Test
    void everyCallAfterCloseThrows() {
        IWAL wal = wal();
        append(wal, 1, 1, 3, 1);
        wal.close();

        List<Executable> calls = List.of(
                () -> append(wal, 1, 4, 4, 1),
                () -> wal.read(1, 1, 3, Long.MAX_VALUE),
                () -> wal.lastPosition(1),
                () -> wal.compactedUpTo(1),
                () -> wal.hardState(1),
                () -> wal.lastCheckpoint(1),
                () -> wal.compact(1, new LogPosition(2, 1)),
                () -> wal.installSnapshotBoundary(1, new LogPosition(9, 1)),
                () -> wal.removePartition(1),
                () -> wal.metadata("k"),
                wal::partitions);
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(WalException.class);
        }
    }
}
