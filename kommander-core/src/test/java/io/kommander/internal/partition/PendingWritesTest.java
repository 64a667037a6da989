package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HLCTimestampFixture;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PendingWritesTest {

    private static final HardState HARD_STATE = new HardState(3, "b", 7);

    private final PendingWrites pending = new PendingWrites(4);

    @Test
    void appendsOfOneDrainBecomeOneWrite() {
        pending.append(entries(1, 2));
        pending.append(entries(3, 3));

        Ready.PersistStep step = pending.take(9, HARD_STATE, 3);

        assertThat(step.seq()).isEqualTo(9);
        assertThat(step.lastIndexAfter()).isEqualTo(3);
        assertThat(step.write().partition()).isEqualTo(4);
        assertThat(indices(step.write())).containsExactly(1L, 2L, 3L);
        assertThat(step.write().truncateAfter()).isEqualTo(PartitionWrite.NO_TRUNCATE);
        assertThat(step.write().hardState()).isNull();
        assertThat(step.write().lastCheckpoint()).isEqualTo(PartitionWrite.NO_CHECKPOINT);
    }

    @Test
    void truncationWithinThisDrainsAppendsDropsOnlyTheirTail() {
        pending.append(entries(5, 8));

        pending.truncateAfter(6);

        PartitionWrite write = pending.take(1, HARD_STATE, 6).write();
        assertThat(indices(write)).containsExactly(5L, 6L);
        assertThat(write.truncateAfter()).isEqualTo(PartitionWrite.NO_TRUNCATE);
    }

    @Test
    void truncationJustBeforeThisDrainsAppendsDropsThemAllButNothingStored() {
        pending.append(entries(5, 8));

        pending.truncateAfter(4);

        PartitionWrite write = pending.take(1, HARD_STATE, 4).write();
        assertThat(write.entries()).isEmpty();
        assertThat(write.truncateAfter()).isEqualTo(PartitionWrite.NO_TRUNCATE);
    }

    @Test
    void truncationBelowThisDrainsAppendsTruncatesTheStoredLog() {
        pending.append(entries(5, 8));
        pending.truncateAfter(2);
        pending.append(entries(3, 4));

        PartitionWrite write = pending.take(1, HARD_STATE, 4).write();

        assertThat(write.truncateAfter()).isEqualTo(2);
        assertThat(indices(write)).containsExactly(3L, 4L);
    }

    @Test
    void repeatedTruncationsKeepTheLowestPoint() {
        pending.truncateAfter(5);
        pending.truncateAfter(7);
        assertThat(pending.take(1, HARD_STATE, 5).write().truncateAfter()).isEqualTo(5);

        pending.truncateAfter(5);
        pending.truncateAfter(3);
        assertThat(pending.take(2, HARD_STATE, 3).write().truncateAfter()).isEqualTo(3);
    }

    @Test
    void laterTruncationWithinAppendsAfterAnEarlierOneKeepsTheEarlierPoint() {
        pending.truncateAfter(2);
        pending.append(entries(3, 6));

        pending.truncateAfter(4);

        PartitionWrite write = pending.take(1, HARD_STATE, 4).write();
        assertThat(write.truncateAfter()).isEqualTo(2);
        assertThat(indices(write)).containsExactly(3L, 4L);
    }

    @Test
    void hardStateAndCheckpointAreWrittenOnlyWhenChangedAndTheLatestWins() {
        pending.hardStateChanged();
        pending.checkpoint(5);
        pending.checkpoint(9);

        PartitionWrite write = pending.take(1, HARD_STATE, 0).write();

        assertThat(write.hardState()).isEqualTo(HARD_STATE);
        assertThat(write.lastCheckpoint()).isEqualTo(9);
    }

    @Test
    void messagesWaitingForDurabilityMakeAStepEvenWithNothingToWrite() {
        assertThat(pending.isEmpty()).isTrue();
        Ready.Outbound ack = new Ready.Outbound("b", new RaftMessage.AppendLogsResponse(4, 3, true, 7, 0));

        pending.sendAfter(ack);

        assertThat(pending.isEmpty()).isFalse();
        Ready.PersistStep step = pending.take(1, HARD_STATE, 7);
        assertThat(step.write().isEmpty()).isTrue();
        assertThat(step.after()).containsExactly(ack);
    }

    @Test
    void takeStartsAfresh() {
        pending.append(entries(1, 1));
        pending.truncateAfter(0);
        pending.hardStateChanged();
        pending.checkpoint(1);
        pending.sendAfter(new Ready.Outbound("b", new RaftMessage.AppendLogsResponse(4, 3, true, 1, 0)));

        pending.take(1, HARD_STATE, 0);

        assertThat(pending.isEmpty()).isTrue();
        Ready.PersistStep next = pending.take(2, HARD_STATE, 0);
        assertThat(next.write().isEmpty()).isTrue();
        assertThat(next.after()).isEmpty();
    }

    private static List<LogEntry> entries(long from, long to) {
        List<LogEntry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(new LogEntry(index, 1, EntryKind.DATA, HLCTimestampFixture.at(index), "t", new byte[0]));
        }
        return entries;
    }

    private static List<Long> indices(PartitionWrite write) {
        return write.entries().stream().map(LogEntry::index).toList();
    }
}
