package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replica log's client sessions: delivery decided per committed entry, and kept across compaction. */
class ReplicaLogSessionsTest {

    private final Ready ready = new Ready();

    private static ReplicaLog replica() {
        return new ReplicaLog(1, MachineNet.SETTINGS, new PendingWrites(1), new ProposalTracker(),
                EnumSet.noneOf(PlantedBug.class), Configuration.ofVoters(List.of("a")));
    }

    private static LogEntry request(long index, long client, long sequence) {
        return new LogEntry(index, 1, EntryKind.DATA, new HLCTimestamp(1_000 + index, 0, 0), "t",
                new byte[] {(byte) index}, client, sequence);
    }

    private static LogEntry checkpoint(long index) {
        return new LogEntry(index, 1, EntryKind.CHECKPOINT, new HLCTimestamp(1_000 + index, 0, 0), "", null);
    }

    /** Appends {@code entries} as a follower, makes them durable and commits them. */
    private void commit(ReplicaLog log, List<LogEntry> entries) {
        log.appendFromLeader("leader", entries);
        Ready.PersistStep step = log.takePersistStep(HardState.EMPTY);
        log.persisted(step.seq(), step.lastIndexAfter(), ready);
        log.commitTo(entries.get(entries.size() - 1).index(), ready);
    }

    private static List<Long> indices(List<RaftLog> logs) {
        return logs.stream().map(RaftLog::index).toList();
    }

    @Test
    void aRepeatedRequestInTheLogIsAppliedButNotDelivered() {
        ReplicaLog log = replica();
        log.restoreBegin(0, LogPosition.ZERO, 0);
        log.restoreEnd();

        commit(log, List.of(request(1, 7, 1), request(2, 7, 1), request(3, 7, 2), request(4, 8, 3)));

        assertThat(indices(ready.deliveries)).containsExactly(1L, 3L);
        assertThat(log.appliedIndex()).isEqualTo(4);
        assertThat(log.sessions().find(RequestId.of(7, 1)).answer().result().logIndex()).isEqualTo(1);
    }

    @Test
    void compactionKeepsTheSessionsAndWhatTheRetainedEntriesDelivered() {
        ReplicaLog log = replica();
        log.restoreBegin(0, LogPosition.ZERO, 0);
        log.restoreEnd();
        List<LogEntry> entries = List.of(request(1, 7, 1), checkpoint(2), request(3, 7, 1), request(4, 7, 2));
        commit(log, entries);
        LogPosition target = new LogPosition(2, 1);
        byte[] snapshot = log.sessionSnapshot(target);

        // A restart after the compaction: the WAL holds entries 3 and 4 only.
        ReplicaLog restarted = replica();
        restarted.restoreBegin(0, target, 2, snapshot);
        List<RaftLog> restored = restarted.restoreEntries(entries.subList(2, 4));
        restarted.restoreEnd();

        assertThat(indices(restored)).as("entry 3 repeated a request: never delivered").containsExactly(4L);
        assertThat(restarted.commitIndex()).as("what the sessions applied is committed").isEqualTo(4);
        assertThat(restarted.sessions().find(RequestId.of(7, 1)).answer().result().logIndex()).isEqualTo(1);
        assertThat(restarted.sessions().fingerprint()).isEqualTo(log.sessions().fingerprint());
    }

    @Test
    void aCompactionTheWalLostIsTakenFromTheSnapshot() {
        ReplicaLog log = replica();
        log.restoreBegin(0, LogPosition.ZERO, 0);
        log.restoreEnd();
        List<LogEntry> entries = new ArrayList<>(List.of(request(1, 7, 1), checkpoint(2), request(3, 7, 2)));
        commit(log, entries);
        byte[] snapshot = log.sessionSnapshot(new LogPosition(2, 1));

        // The crash lost the unsynced compaction: the WAL still holds everything, the snapshot says 2.
        ReplicaLog restarted = replica();
        restarted.restoreBegin(1, LogPosition.ZERO, 2, snapshot);

        assertThat(restarted.log().compacted()).isEqualTo(new LogPosition(2, 1));
        assertThat(restarted.log().lastIndex()).as("entries are fed from 3").isEqualTo(2);
    }

    @Test
    void aCompactionTheWalLostIsDoneAgain() {
        ReplicaLog log = replica();
        log.restoreBegin(0, LogPosition.ZERO, 0);
        log.restoreEnd();
        List<LogEntry> entries = List.of(request(1, 7, 1), checkpoint(2), request(3, 7, 2));
        commit(log, entries);
        byte[] snapshot = log.sessionSnapshot(new LogPosition(2, 1));

        // The crash lost the unsynced compaction to 2; no checkpoint follows, so nothing newer would compact.
        ReplicaLog restarted = replica();
        restarted.restoreBegin(1, LogPosition.ZERO, 2, snapshot);
        restarted.restoreEntries(entries.subList(2, 3));
        restarted.restoreEnd();

        assertThat(restarted.compactionTarget()).as("the WAL still holds 1 and 2").isEqualTo(new LogPosition(2, 1));
        restarted.compacted(new LogPosition(2, 1));
        assertThat(restarted.compactionTarget()).as("done once the WAL has it").isNull();
    }

    @Test
    void aSnapshotOlderThanTheWalsCompactionIsRefused() {
        ReplicaLog log = replica();
        byte[] snapshot = log.sessionSnapshot(LogPosition.ZERO);

        assertThatThrownBy(() -> replica().restoreBegin(0, new LogPosition(5, 1), 5, snapshot))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("below the WAL's 5");
    }
}
