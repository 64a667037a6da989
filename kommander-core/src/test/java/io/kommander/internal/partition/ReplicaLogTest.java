package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static io.kommander.internal.partition.TestEntries.entry;
import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaLogTest {

    private static final PartitionSettings SETTINGS = MachineNet.SETTINGS;

    private final EnumSet<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);
    private final PendingWrites writes = new PendingWrites(1);
    private final ReplicaLog replicaLog = new ReplicaLog(1, SETTINGS, writes, new ProposalTracker(),
            bugs, Configuration.ofVoters(List.of("a")));
    private final Ready ready = new Ready();

    /** An empty replica, restored. */
    private ReplicaLog restored() {
        replicaLog.restoreBegin(0, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        replicaLog.restoreEnd();
        return replicaLog;
    }

    private Ready.PersistStep take() {
        return replicaLog.takePersistStep(HardState.EMPTY);
    }

    private boolean persist(Ready.PersistStep step) {
        return replicaLog.persisted(step.seq(), step.lastIndexAfter(), ready);
    }

    private static List<String> delivered(List<RaftLog> logs) {
        return logs.stream().map(l -> l.index() + "@" + l.term()).toList();
    }

    @Test
    void appendedEntriesGoToTheNextPersistStep() {
        restored().append(run(1, 3, 1));
        Ready.PersistStep step = take();
        assertThat(step.seq()).isEqualTo(1);
        assertThat(step.write().entries()).isEqualTo(run(1, 3, 1));
        assertThat(step.lastIndexAfter()).isEqualTo(3);
        assertThat(take()).as("nothing more to persist").isNull();
    }

    @Test
    void deliversOnlyWhatIsCommittedAndDurable() {
        restored().append(run(1, 3, 1));
        Ready.PersistStep step = take();
        assertThat(replicaLog.commitTo(3, ready)).isFalse();
        assertThat(ready.deliveries).isEmpty();
        assertThat(persist(step)).isTrue();
        assertThat(delivered(ready.deliveries)).containsExactly("1@1", "2@1", "3@1");
        assertThat(replicaLog.appliedIndex()).isEqualTo(3);
    }

    @Test
    void durableEntriesWaitForTheirCommit() {
        restored().append(run(1, 3, 1));
        assertThat(persist(take())).isFalse();
        assertThat(replicaLog.durableIndex()).isEqualTo(3);
        replicaLog.commitTo(2, ready);
        assertThat(delivered(ready.deliveries)).containsExactly("1@1", "2@1");
        assertThat(take()).as("a new commit index alone asks for no write").isNull();
        replicaLog.append(run(4, 4, 1));
        assertThat(take().write().hardState()).as("the commit index is persisted with the next step").isNotNull();
    }

    @Test
    void aCommitIndexLeftUnwrittenIsWrittenAtTheSecondTick() {
        restored().append(run(1, 3, 1));
        persist(take());
        replicaLog.commitTo(3, ready);
        writes.tick();
        assertThat(take()).as("one tick: it may still ride with a write").isNull();
        writes.tick();
        Ready.PersistStep step = take();
        assertThat(step.write().hardState()).as("the second tick writes it").isNotNull();
        assertThat(step.write().entries()).isEmpty();
        writes.tick();
        writes.tick();
        assertThat(take()).as("nothing new to write").isNull();
    }

    @Test
    void appendFromLeaderTruncatesAConflictingSuffix() {
        restored().append(run(1, 3, 1));
        persist(take());
        replicaLog.appendFromLeader("a", run(2, 4, 2));
        assertThat(replicaLog.log().termAt(2)).isEqualTo(2);
        assertThat(replicaLog.log().lastIndex()).isEqualTo(4);
        assertThat(replicaLog.durableIndex()).as("lowered at once").isEqualTo(1);
        Ready.PersistStep step = take();
        assertThat(step.write().truncateAfter()).isEqualTo(1);
        assertThat(step.write().entries()).isEqualTo(run(2, 4, 2));
    }

    @Test
    void appendFromLeaderSkipsEntriesItHolds() {
        restored().append(run(1, 3, 1));
        persist(take());
        replicaLog.appendFromLeader("a", run(2, 3, 1));
        assertThat(take()).isNull();
        replicaLog.appendFromLeader("a", List.of(entry(3, 1), entry(4, 1)));
        assertThat(take().write().entries()).containsExactly(entry(4, 1));
    }

    @Test
    void replacementsAreNotDeliveredBeforeTheTruncatingStepIsDurable() {
        restored().append(run(1, 3, 1));
        Ready.PersistStep old = take();
        replicaLog.appendFromLeader("a", run(2, 3, 2));
        replicaLog.commitTo(3, ready);
        persist(old);
        assertThat(delivered(ready.deliveries)).as("the old step wrote 2@1 and 3@1, since replaced")
                .containsExactly("1@1");
        persist(take());
        assertThat(delivered(ready.deliveries)).containsExactly("1@1", "2@2", "3@2");
    }

    @Test
    void conflictWithACommittedEntryIsASafetyViolation() {
        restored().append(run(1, 3, 1));
        persist(take());
        replicaLog.commitTo(2, ready);
        assertThatThrownBy(() -> replicaLog.appendFromLeader("a", run(2, 3, 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("committed entry 2");
    }

    @Test
    void restoreReplaysCommittedEntriesAndKeepsTheCommitWithinTheLog() {
        replicaLog.restoreBegin(5, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        assertThat(delivered(replicaLog.restoreEntries(run(1, 3, 1)))).containsExactly("1@1", "2@1", "3@1");
        replicaLog.restoreEnd();
        assertThat(replicaLog.commitIndex()).isEqualTo(3);
        assertThat(replicaLog.durableIndex()).isEqualTo(3);
    }

    @Test
    void restoreAfterAWalFailureHandsOverNothingTwiceAndKeepsTheFirstRestoresBound() {
        // Stored commit 1; earlier in this process the application received up to 3, and the first restore found
        // the log ending at 2 (entries up to 2 may have been delivered before the process started).
        replicaLog.restoreBegin(1, LogPosition.ZERO, 0, new DeliveredSoFar(3, 2));
        assertThat(replicaLog.restoreEntries(run(1, 5, 1))).isEmpty();
        replicaLog.restoreEnd();
        assertThat(replicaLog.commitIndex()).isEqualTo(3);
        assertThat(replicaLog.appliedIndex()).isEqualTo(3);
        assertThat(replicaLog.restoredThrough()).isEqualTo(2);

        replicaLog.commitTo(5, ready);
        assertThat(ready.restoredDeliveries).isEmpty();
        assertThat(delivered(ready.deliveries)).as("appended in this process").containsExactly("4@1", "5@1");
    }

    @Test
    void checkpointAppliedBeforeAWalFailureIsRecordedAgainByTheRestore() {
        // The write that recorded checkpoint 2 (and commit 3) failed: the WAL still says commit 1, no checkpoint.
        replicaLog.restoreBegin(1, LogPosition.ZERO, 0, new DeliveredSoFar(3, 3));
        replicaLog.restoreEntries(List.of(entry(1, 1), entry(2, 1, EntryKind.CHECKPOINT), entry(3, 1)));
        replicaLog.restoreEnd();

        assertThat(take().write().lastCheckpoint()).isEqualTo(2);
        replicaLog.raiseSafeCompactIndex(3);
        assertThat(replicaLog.compactionTarget()).isEqualTo(new LogPosition(2, 1));
    }

    @Test
    void retriedFirstRestoreReplaysOnlyWhatTheFailedAttemptHadNotReplayed() {
        replicaLog.restoreBegin(4, LogPosition.ZERO, 0, new DeliveredSoFar(2, -1));
        assertThat(delivered(replicaLog.restoreEntries(run(1, 5, 1)))).containsExactly("3@1", "4@1");
        replicaLog.restoreEnd();
        assertThat(replicaLog.restoredThrough()).isEqualTo(5);
    }

    @Test
    void entriesAboveTheStoredCommitGoToOnLogRestoredOnceCommitted() {
        replicaLog.restoreBegin(1, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        assertThat(delivered(replicaLog.restoreEntries(run(1, 3, 1)))).containsExactly("1@1");
        replicaLog.restoreEnd();
        replicaLog.append(run(4, 4, 2));
        persist(take());
        replicaLog.commitTo(4, ready);
        assertThat(delivered(ready.restoredDeliveries)).containsExactly("2@1", "3@1");
        assertThat(delivered(ready.deliveries)).containsExactly("4@2");
    }

    @Test
    void safeCompactIndexNeverPassesTheCommitNorFallsBack() {
        restored().append(run(1, 3, 1));
        persist(take());
        replicaLog.commitTo(2, ready);
        replicaLog.raiseSafeCompactIndex(5);
        assertThat(replicaLog.safeCompactIndex()).isEqualTo(2);
        replicaLog.raiseSafeCompactIndex(1);
        assertThat(replicaLog.safeCompactIndex()).isEqualTo(2);
        replicaLog.resetSafeCompactIndex();
        assertThat(replicaLog.safeCompactIndex()).as("a new leader knows only its compaction point").isZero();
    }

    @Test
    void compactionTargetIsTheLastDeliveredCheckpointEveryMemberHolds() {
        restored().append(List.of(entry(1, 1), entry(2, 1, EntryKind.CHECKPOINT), entry(3, 1)));
        persist(take());
        replicaLog.commitTo(3, ready);
        assertThat(take().write().lastCheckpoint()).isEqualTo(2);
        assertThat(replicaLog.compactionTarget()).as("no member known to hold it yet").isNull();
        replicaLog.raiseSafeCompactIndex(3);
        assertThat(replicaLog.compactionTarget()).isEqualTo(new LogPosition(2, 1));
        replicaLog.compacted(new LogPosition(2, 1));
        assertThat(replicaLog.compactionTarget()).isNull();
    }

    @Test
    void compactionStopsBeforeAProposalThatIsStillOpen() {
        restored().append(List.of(entry(1, 1), entry(2, 1, EntryKind.PROPOSED), entry(3, 1, EntryKind.CHECKPOINT),
                entry(4, 1)));
        persist(take());
        replicaLog.commitTo(4, ready);
        replicaLog.raiseSafeCompactIndex(4);
        assertThat(replicaLog.compactionTarget()).as("the proposal at 2 waits for its commit or rollback")
                .isEqualTo(new LogPosition(1, 1));
    }

    @Test
    void plantedBugDeliversBeforeEntriesAreDurable() {
        bugs.add(PlantedBug.DELIVER_BEFORE_DURABLE);
        restored().append(run(1, 2, 1));
        replicaLog.commitTo(2, ready);
        assertThat(delivered(ready.deliveries)).containsExactly("1@1", "2@1");
    }

    @Test
    void aMoveEntryAppendedAgainAfterCompactionIsNotDeliveredByAReplicaRestoredFromTheHistory() {
        restored().append(List.of(split(1), entry(2, 1), entry(3, 1, EntryKind.CHECKPOINT)));
        persist(take());
        replicaLog.commitTo(3, ready);
        assertThat(delivered(ready.deliveries)).containsExactly("1@1", "2@1", "3@1");
        byte[] history = replicaLog.moveHistory(new LogPosition(3, 1));

        ReplicaLog rebuilt = new ReplicaLog(1, SETTINGS, new PendingWrites(1), new ProposalTracker(), bugs,
                Configuration.ofVoters(List.of("a")));
        rebuilt.restoreBegin(5, new LogPosition(3, 1), 3, null, null, history, DeliveredSoFar.NONE);
        assertThat(delivered(rebuilt.restoreEntries(List.of(entry(4, 1), split(5)))))
                .as("the split entry at 5 repeats the one at 1, which compaction removed").containsExactly("4@1");
    }

    @Test
    void withTheHistoryForgottenTheRepeatIsDeliveredAsANewMove() {
        bugs.add(PlantedBug.MOVE_HISTORY_FORGOTTEN);
        byte[] history = PartitionSeams.moves(split(1)).history(1).encode();
        replicaLog.restoreBegin(5, new LogPosition(3, 1), 3, null, null, history, DeliveredSoFar.NONE);
        assertThat(delivered(replicaLog.restoreEntries(List.of(entry(4, 1), split(5))))).containsExactly("4@1", "5@1");
    }

    @Test
    void aCorruptStoredHistoryFailsTheRestoreWithAClearError() {
        assertThatThrownBy(() -> replicaLog.restoreBegin(5, new LogPosition(3, 1), 3, null, null, new byte[] {7},
                DeliveredSoFar.NONE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("partition 1: the stored move history is corrupt");
    }

    /** A split entry toward partition 9 at {@code index}, in term 1. */
    private static io.kommander.wal.LogEntry split(long index) {
        return new io.kommander.wal.LogEntry(index, 1, EntryKind.SYSTEM, io.kommander.time.HLCTimestamp.ZERO,
                MoveEntry.SPLIT_TYPE, new MoveEntry(9, new io.kommander.PartitionRange(100, 199), 2).encode());
    }
}
