package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;

class LeadershipTest {

    private static final long TIME_TO_LIVE = 1_000;
    private static final PartitionSettings SETTINGS = MachineNet.SETTINGS.toBuilder()
            .proposalTimeToLiveMillis(TIME_TO_LIVE).build();
    private static final long TERM = 2;

    private final ProposalTracker proposals = new ProposalTracker();
    private final EnumSet<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);
    private final ReplicaLog replicaLog = new ReplicaLog(1, SETTINGS, new PendingWrites(1), proposals, bugs,
            Configuration.ofVoters(List.of("a", "b", "c")));
    private final Leadership leadership = new Leadership(1, "a", SETTINGS, replicaLog, proposals, bugs, new Snapshots(1, bugs),
            new Quiescence(SETTINGS));
    private final Ready ready = new Ready();

    /** Makes "a" lead term 2 of a three-member group, from an empty log. */
    private void lead() {
        replicaLog.restoreBegin(0, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        replicaLog.restoreEnd();
        leadership.start(TERM, 0, ready);
    }

    /** Makes everything appended so far durable on the leader. */
    private void persistOwnLog() {
        Ready.PersistStep step = replicaLog.takePersistStep(HardState.EMPTY);
        if (replicaLog.persisted(step.seq(), step.lastIndexAfter(), ready)) {
            leadership.onApplied(ready);
        }
        leadership.maybeCommit(ready);
    }

    private void ack(String peer, long matchIndex, long round, long now) {
        leadership.onAppendResponse(peer, new AppendLogsResponse(1, TERM, true, matchIndex, round), now, ready);
    }

    private void propose(long requestId, long now) {
        leadership.propose(requestId, EntryKind.DATA, "t", List.of(new byte[] {1}), new HLCTimestamp(now, requestId, 1),
                now, ready);
    }

    /** Proposes one manual entry; its ticket is (now, requestId). */
    private HLCTimestamp proposeManual(long requestId, long now) {
        HLCTimestamp ticket = new HLCTimestamp(now, requestId, 1);
        leadership.propose(requestId, EntryKind.PROPOSED, "t", List.of(new byte[] {1}), ticket, now, ready);
        return ticket;
    }

    private RaftReplicationResult result(long requestId) {
        return ready.completions.stream().filter(c -> c.requestId() == requestId).findFirst().orElseThrow()
                .result();
    }

    private RaftOperationStatus writeStatus(long requestId) {
        return result(requestId).status();
    }

    /** Makes everything appended so far durable on the leader and on "b": a majority. */
    private void commitAll(long now) {
        persistOwnLog();
        ack("b", replicaLog.log().lastIndex(), 0, now);
    }

    @Test
    void servesReadsOnlyOnceItsBarrierIsApplied() {
        lead();
        assertThat(replicaLog.log().entry(1).kind()).isEqualTo(EntryKind.BARRIER);
        persistOwnLog();
        assertThat(leadership.barrierApplied()).as("durable here, not yet on a majority").isFalse();
        ack("b", 1, 0, 0);
        assertThat(replicaLog.commitIndex()).isEqualTo(1);
        assertThat(leadership.barrierApplied()).isTrue();
    }

    @Test
    void writeCompletesOnceCommittedAndAppliedHere() {
        lead();
        persistOwnLog();
        ack("b", 1, 0, 0);
        propose(7, 0);
        ack("b", 2, 0, 0);
        assertThat(ready.completions).isEmpty();
        persistOwnLog();
        assertThat(writeStatus(7)).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void entriesOfAnOlderTermAreNotCommittedByCountingReplicas() {
        replicaLog.restoreBegin(0, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        replicaLog.restoreEntries(run(1, 2, 1));
        replicaLog.restoreEnd();
        leadership.start(TERM, 0, ready);
        ack("b", 2, 0, 0);
        assertThat(replicaLog.commitIndex()).isZero();
        ack("b", 3, 0, 0);
        persistOwnLog();
        assertThat(replicaLog.commitIndex()).as("the barrier of this term commits the older entries").isEqualTo(3);
    }

    @Test
    void readIndexConfirmsAfterAQuorumRound() {
        lead();
        persistOwnLog();
        ack("b", 1, 0, 0);
        leadership.readIndex(5, ready);
        assertThat(ready.statusCompletions).isEmpty();
        assertThat(ready.messages).extracting(o -> ((AppendLogs) o.message()).round()).contains(1L);
        ack("c", 1, 1, 0);
        assertThat(ready.statusCompletions).containsExactly(new Ready.StatusCompletion(5, RaftOperationStatus.Success));
    }

    @Test
    void transferToSelfSucceedsAndToAStrangerFails() {
        lead();
        leadership.transferTo("a", 1, 0, ready);
        leadership.transferTo("z", 2, 0, ready);
        assertThat(ready.statusCompletions).containsExactly(
                new Ready.StatusCompletion(1, RaftOperationStatus.Success),
                new Ready.StatusCompletion(2, RaftOperationStatus.Errored));
    }

    @Test
    void writesAreRefusedWhileATransferIsInProgress() {
        lead();
        leadership.transferTo("b", 9, 0, ready);
        propose(7, 0);
        assertThat(writeStatus(7)).isEqualTo(RaftOperationStatus.LeadershipTransferInProgress);
    }

    @Test
    void transferSendsTimeoutNowOnceTheTargetHasEveryEntry() {
        lead();
        leadership.transferTo("b", 9, 0, ready);
        assertThat(ready.messages).noneMatch(o -> o.message() instanceof TimeoutNow);
        ack("b", 1, 0, 0);
        assertThat(ready.messages).filteredOn(o -> o.message() instanceof TimeoutNow)
                .singleElement().satisfies(o -> assertThat(o.to()).isEqualTo("b"));
    }

    @Test
    void transferEndsWithTheNextLeaderOrItsDeadline() {
        lead();
        leadership.transferTo("b", 9, 0, ready);
        leadership.otherLeaderKnown("c", ready);
        leadership.transferTo("b", 10, 0, ready);
        leadership.expireTransfer(SETTINGS.electionMaxMillis(), false, ready);
        assertThat(ready.statusCompletions).containsExactly(
                new Ready.StatusCompletion(9, RaftOperationStatus.Errored),
                new Ready.StatusCompletion(10, RaftOperationStatus.ProposalTimeout));
    }

    @Test
    void transferThatEndsUnfinishedOnALeaderAppendsABarrierPastItsTimeoutNow() {
        lead();
        persistOwnLog();
        ack("b", 1, 0, 0);
        leadership.transferTo("b", 9, 0, ready);
        TimeoutNow sent = (TimeoutNow) ready.messages.stream().map(Ready.Outbound::message)
                .filter(m -> m instanceof TimeoutNow).findFirst().orElseThrow();

        leadership.expireTransfer(SETTINGS.electionMaxMillis(), true, ready);

        assertThat(sent.lastLogIndex()).isEqualTo(1);
        assertThat(replicaLog.log().lastIndex()).isEqualTo(2);
        assertThat(replicaLog.log().entry(2).kind()).isEqualTo(EntryKind.BARRIER);
        assertThat(replicaLog.log().entry(2).term()).isEqualTo(TERM);
    }

    @Test
    void tickReportsAQuorumLostAfterACheckQuorumPeriodOfSilence() {
        lead();
        ack("b", 0, 0, 0);
        assertThat(leadership.tick(SETTINGS.checkQuorumMillis(), ready)).isTrue();
        assertThat(leadership.tick(2 * SETTINGS.checkQuorumMillis(), ready)).isFalse();
    }

    @Test
    void tickFailsWritesPastTheirDeadline() {
        lead();
        propose(7, 0);
        ack("b", 0, 0, 0);
        leadership.tick(SETTINGS.proposalTimeoutMillis(), ready);
        assertThat(writeStatus(7)).isEqualTo(RaftOperationStatus.ProposalTimeout);
    }

    @Test
    void stopFailsWritesAndReadsInFlight() {
        lead();
        persistOwnLog();
        ack("b", 1, 0, 0);
        propose(7, 0);
        leadership.readIndex(8, ready);
        leadership.stop(ready);
        assertThat(writeStatus(7)).isEqualTo(RaftOperationStatus.LeaderInOldTerm);
        assertThat(result(7).ticket()).as("a write whose outcome is unknown names its ticket")
                .isEqualTo(new HLCTimestamp(0, 7, 1));
        assertThat(ready.statusCompletions)
                .containsExactly(new Ready.StatusCompletion(8, RaftOperationStatus.NodeIsNotLeader));
    }

    @Test
    void settlingAgainAnswersTheFirstSettlementOnceItCommits() {
        lead();
        HLCTimestamp ticket = proposeManual(7, 0);
        commitAll(0);
        leadership.settle(8, ticket, true, 0, ready);
        long commitIndex = replicaLog.log().lastIndex();
        leadership.settle(9, ticket, true, 0, ready);
        assertThat(replicaLog.log().lastIndex()).as("one commit entry").isEqualTo(commitIndex);
        assertThat(ready.completions).extracting(Ready.Completion::requestId).containsExactly(7L);
        commitAll(0);
        leadership.settle(10, ticket, true, 0, ready);
        leadership.settle(11, ticket, false, 0, ready);
        assertThat(result(8)).isEqualTo(RaftReplicationResult.success(ticket, commitIndex));
        assertThat(result(9)).isEqualTo(result(8));
        assertThat(result(10)).isEqualTo(result(8));
        assertThat(result(11)).isEqualTo(RaftReplicationResult.failure(RaftOperationStatus.ProposalNotFound, null,
                ticket));
    }

    @Test
    void aCheckpointIsRefusedWhileAProposalIsOpen() {
        lead();
        HLCTimestamp ticket = proposeManual(7, 0);
        leadership.propose(8, EntryKind.CHECKPOINT, "", List.of(new byte[0]), new HLCTimestamp(0, 8, 1), 0, ready);
        assertThat(writeStatus(8)).isEqualTo(RaftOperationStatus.ActiveProposal);
        leadership.settle(9, ticket, false, 0, ready);
        leadership.propose(10, EntryKind.CHECKPOINT, "", List.of(new byte[0]), new HLCTimestamp(0, 10, 1), 0,
                ready);
        assertThat(replicaLog.log().entry(replicaLog.log().lastIndex()).kind()).isEqualTo(EntryKind.CHECKPOINT);
    }

    @Test
    void anAbandonedProposalIsRolledBackOnceItsTimeToLiveHasPassed() {
        lead();
        HLCTimestamp ticket = proposeManual(7, 0);
        commitAll(0);
        leadership.tick(10, ready);
        ack("b", replicaLog.log().lastIndex(), 0, 10 + TIME_TO_LIVE - 1);
        leadership.tick(10 + TIME_TO_LIVE - 1, ready);
        long lastBefore = replicaLog.log().lastIndex();
        ack("b", lastBefore, 0, 10 + TIME_TO_LIVE);
        leadership.tick(10 + TIME_TO_LIVE, ready);
        assertThat(replicaLog.log().lastIndex()).isEqualTo(lastBefore + 1);
        assertThat(replicaLog.log().entry(lastBefore + 1))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(EntryKind.ROLLBACK))
                .satisfies(e -> assertThat(e.time()).isEqualTo(ticket));
        leadership.tick(20 + TIME_TO_LIVE, ready);
        assertThat(replicaLog.log().lastIndex()).as("rolled back once").isEqualTo(lastBefore + 1);
    }

    @Test
    void leaderWithoutFollowersMayCompactToACheckpointOnceItIsCommitted() {
        ReplicaLog single = new ReplicaLog(1, SETTINGS, new PendingWrites(1), proposals, bugs,
                Configuration.ofVoters(List.of("a")));
        Leadership alone = new Leadership(1, "a", SETTINGS, single, proposals, bugs, new Snapshots(1, bugs),
            new Quiescence(SETTINGS));
        single.restoreBegin(0, LogPosition.ZERO, 0, DeliveredSoFar.NONE);
        single.restoreEnd();
        alone.start(TERM, 0, ready);
        alone.propose(7, EntryKind.CHECKPOINT, "", List.of(new byte[0]), new HLCTimestamp(1, 0, 1), 0, ready);
        Ready.PersistStep step = single.takePersistStep(HardState.EMPTY);
        single.persisted(step.seq(), step.lastIndexAfter(), ready);
        alone.maybeCommit(ready);

        assertThat(single.commitIndex()).isEqualTo(2);
        // No follower will ever answer an append: the leader's own durable log is what "every member" holds.
        assertThat(single.compactionTarget()).isEqualTo(new LogPosition(2, TERM));
    }
}
