package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.kommander.internal.partition.TestEntries.entry;
import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplierTest {

    private final PartitionLog log = new PartitionLog();
    private final Applier applier = new Applier(1, log);
    private final Ready ready = new Ready();
    private final List<Long> applied = new ArrayList<>();

    private boolean applyThrough(long upTo) {
        return applier.applyThrough(upTo, ready, e -> applied.add(e.index()));
    }

    private static List<Long> indices(List<RaftLog> logs) {
        return logs.stream().map(RaftLog::index).toList();
    }

    @Test
    void deliversInOrderUpToTheBoundOnce() {
        log.append(run(1, 5, 1));
        assertThat(applyThrough(3)).isTrue();
        assertThat(applyThrough(3)).isFalse();
        assertThat(applyThrough(5)).isTrue();
        assertThat(indices(ready.deliveries)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(applied).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(applier.appliedIndex()).isEqualTo(5);
    }

    @Test
    void barriersAreAppliedButNeverDelivered() {
        log.append(List.of(entry(1, 1, EntryKind.BARRIER), entry(2, 1)));
        applyThrough(2);
        assertThat(applied).containsExactly(1L, 2L);
        assertThat(indices(ready.deliveries)).containsExactly(2L);
    }

    @Test
    void entriesInTheLogAtRestoreGoToOnLogRestored() {
        log.resetTo(LogPosition.ZERO);
        run(1, 4, 1).forEach(e -> log.appendRestored(e, true));
        applier.restoreBegin(1, 0, -1);
        applier.restoreEnd();
        log.append(run(5, 6, 1));
        applyThrough(6);
        assertThat(indices(ready.restoredDeliveries)).containsExactly(2L, 3L, 4L);
        assertThat(indices(ready.deliveries)).containsExactly(5L, 6L);
    }

    @Test
    void truncatedEntriesAreNoLongerTakenForRestoredOnes() {
        run(1, 4, 1).forEach(e -> log.appendRestored(e, true));
        applier.restoreEnd();
        applier.truncated(2);
        log.truncateAfter(2);
        log.append(run(3, 4, 2));
        applyThrough(4);
        assertThat(indices(ready.restoredDeliveries)).containsExactly(1L, 2L);
        assertThat(indices(ready.deliveries)).containsExactly(3L, 4L);
    }

    @Test
    void remembersTheLastCheckpointDelivered() {
        applier.restoreBegin(0, 0, -1);
        log.append(List.of(entry(1, 1), entry(2, 1, EntryKind.CHECKPOINT), entry(3, 1)));
        applyThrough(3);
        assertThat(applier.lastCheckpointIndex()).isEqualTo(2);
        assertThat(ready.deliveries.get(1).kind()).isEqualTo(RaftLogType.CommittedCheckpoint);
    }

    @Test
    void anEntryMissingFromTheCacheIsABug() {
        log.append(run(1, 3, 1));
        log.evictThrough(2);
        assertThatThrownBy(() -> applyThrough(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 1");
    }

    @Test
    void deliveryTypeFollowsTheEntryKind() {
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.DATA)).kind()).isEqualTo(RaftLogType.Committed);
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.SYSTEM)).kind()).isEqualTo(RaftLogType.Committed);
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.COMMIT)).kind()).isEqualTo(RaftLogType.Committed);
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.PROPOSED)).kind()).isEqualTo(RaftLogType.Proposed);
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.ROLLBACK)).kind()).isEqualTo(RaftLogType.RolledBack);
        assertThat(Applier.toDelivery(entry(1, 1, EntryKind.BARRIER))).isNull();
        LogEntry data = entry(3, 2);
        RaftLog delivered = Applier.toDelivery(data);
        assertThat(delivered.index()).isEqualTo(3);
        assertThat(delivered.term()).isEqualTo(2);
        assertThat(delivered.data()).isEqualTo(data.data());
    }
}
