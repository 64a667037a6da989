package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deterministic workload of the snapshot-install crash test, on one partition. Round {@code r} starts by
 * installing the snapshot boundary {@code (15 r, r + 1)} (round 0 starts empty), then appends entries
 * {@code 15 r + 1 .. 15 r + 20} of term {@code r + 1}, one synced write each, with the hard state, a checkpoint at
 * the tenth and an unsynced compaction after the twelfth. The next boundary falls inside the round's entries, so
 * each install also drops entries after its boundary. Every state the WAL can be in after a whole step is known
 * from its last position alone, so a state that mixes two steps shows.
 */
final class SnapshotInstallWorkload {

    static final int PARTITION = 0;
    private static final long APPENDS = 20;
    private static final long STRIDE = 15;
    private static final long CHECKPOINT_AT = 10;
    private static final long COMPACT_AFTER = 12;
    private static final long COMPACT_TO = 5;
    private static final String VOTE = "node-1";

    /**
     * Where the workload is: in {@code round}, after {@code appended} of its appends (0: just after its install).
     */
    record Step(long round, long appended) {

        /** A number that grows by one with every step, for the child's acknowledgements. */
        long number() {
            return round * (APPENDS + 1) + appended;
        }

        long boundary() {
            return STRIDE * round;
        }

        long term() {
            return round + 1;
        }
    }

    private SnapshotInstallWorkload() {
    }

    /** The step a WAL written only by this workload is at, read from its last position. */
    static Step stepOf(IWAL wal) {
        LogPosition last = wal.lastPosition(PARTITION);
        if (last.equals(LogPosition.ZERO)) {
            return new Step(0, 0);
        }
        long round = last.term() - 1;
        return new Step(round, last.index() - STRIDE * round);
    }

    /** Performs the step after {@code step} and returns it. */
    static Step next(IWAL wal, Step step) {
        if (step.appended() == APPENDS) {
            Step installed = new Step(step.round() + 1, 0);
            wal.installSnapshotBoundary(PARTITION, new LogPosition(installed.boundary(), installed.term()));
            return installed;
        }
        Step appended = new Step(step.round(), step.appended() + 1);
        long index = appended.boundary() + appended.appended();
        wal.write(WalBatch.of(new PartitionWrite(PARTITION, PartitionWrite.NO_TRUNCATE,
                List.of(entry(index, appended.term())), new HardState(appended.term(), VOTE, index),
                appended.appended() == CHECKPOINT_AT ? index : PartitionWrite.NO_CHECKPOINT)));
        if (appended.appended() == COMPACT_AFTER) {
            wal.compact(PARTITION, new LogPosition(appended.boundary() + COMPACT_TO, appended.term()));
        }
        return appended;
    }

    /** Checks that the WAL holds exactly what {@code step} left, allowing an unsynced compaction to be lost. */
    static void verify(IWAL wal, Step step) {
        long boundary = step.boundary();
        long term = step.term();
        LogPosition installed = step.round() == 0 ? LogPosition.ZERO : new LogPosition(boundary, term);
        LogPosition last = step.appended() == 0 ? installed : new LogPosition(boundary + step.appended(), term);
        assertThat(wal.lastPosition(PARTITION)).isEqualTo(last);
        LogPosition compacted = wal.compactedUpTo(PARTITION);
        if (step.appended() >= COMPACT_AFTER) {
            assertThat(compacted).isIn(installed, new LogPosition(boundary + COMPACT_TO, term));
        } else {
            assertThat(compacted).isEqualTo(installed);
        }
        List<LogEntry> entries = wal.read(PARTITION, compacted.index() + 1, last.index(), Long.MAX_VALUE);
        assertThat(entries).hasSize((int) (last.index() - compacted.index()));
        for (LogEntry entry : entries) {
            assertThat(entry).isEqualTo(entry(entry.index(), term));
        }
        HardState hardState;
        if (step.appended() > 0) {
            hardState = new HardState(term, VOTE, last.index());
        } else if (step.round() > 0) {
            hardState = new HardState(term - 1, VOTE, STRIDE * (step.round() - 1) + APPENDS);   // kept by the install
        } else {
            hardState = HardState.EMPTY;
        }
        assertThat(wal.hardState(PARTITION)).isEqualTo(hardState);
        long checkpoint = step.appended() >= CHECKPOINT_AT ? boundary + CHECKPOINT_AT : boundary;
        assertThat(wal.lastCheckpoint(PARTITION)).isEqualTo(checkpoint);
    }

    private static LogEntry entry(long index, long term) {
        SplittableRandom random = new SplittableRandom(index * 1_000_003L + term);
        byte[] data = new byte[random.nextInt(12 * 1024)];
        random.nextBytes(data);
        return new LogEntry(index, term, EntryKind.DATA, new HLCTimestamp(index, term, 1), "step-" + index, data);
    }
}
