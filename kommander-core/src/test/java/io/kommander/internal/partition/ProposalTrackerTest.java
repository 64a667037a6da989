package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProposalTrackerTest {

    private static final HLCTimestamp A = new HLCTimestamp(100, 0, 1);
    private static final HLCTimestamp B = new HLCTimestamp(100, 0, 2);

    private final ProposalTracker tracker = new ProposalTracker();

    private void append(long index, EntryKind kind, HLCTimestamp ticket) {
        tracker.onAppended(new LogEntry(index, 1, kind, ticket, "type", new byte[0]));
    }

    @Test
    void aProposalIsOpenUntilItsSettlementThenRemembersIt() {
        append(1, EntryKind.PROPOSED, A);
        append(2, EntryKind.PROPOSED, A);
        assertThat(tracker.openTicket(A)).isEqualTo(new ProposalTracker.OpenTicket(1, "type"));
        assertThat(tracker.hasOpen()).isTrue();
        append(3, EntryKind.COMMIT, A);
        assertThat(tracker.openTicket(A)).isNull();
        assertThat(tracker.hasOpen()).isFalse();
        assertThat(tracker.settlement(A)).isEqualTo(new ProposalTracker.Settlement(3, true));
    }

    @Test
    void ticketsOfTwoNodesWithTheSameClockReadingAreTwoProposals() {
        append(1, EntryKind.PROPOSED, A);
        append(2, EntryKind.PROPOSED, B);
        append(3, EntryKind.ROLLBACK, B);
        assertThat(tracker.openTicket(A)).isNotNull();
        assertThat(tracker.settlement(B)).isEqualTo(new ProposalTracker.Settlement(3, false));
    }

    @Test
    void aTruncatedSettlementReopensItsTicketAndATruncatedProposalIsForgotten() {
        append(1, EntryKind.PROPOSED, A);
        append(2, EntryKind.COMMIT, A);
        append(3, EntryKind.PROPOSED, B);
        tracker.onTruncated(1);
        assertThat(tracker.openTicket(A)).isEqualTo(new ProposalTracker.OpenTicket(1, "type"));
        assertThat(tracker.settlement(A)).isNull();
        assertThat(tracker.openTicket(B)).isNull();
    }

    @Test
    void compactionStopsBeforeOpenProposalsAndUncommittedSettlements() {
        append(3, EntryKind.PROPOSED, A);
        append(5, EntryKind.PROPOSED, B);
        assertThat(tracker.compactionLimit(10)).isEqualTo(2);
        append(6, EntryKind.COMMIT, A);
        assertThat(tracker.compactionLimit(5)).as("A's commit may still be truncated").isEqualTo(2);
        assertThat(tracker.compactionLimit(6)).isEqualTo(4);
        append(7, EntryKind.ROLLBACK, B);
        assertThat(tracker.compactionLimit(7)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void compactionForgetsTicketsSettledWithinIt() {
        append(1, EntryKind.PROPOSED, A);
        append(2, EntryKind.COMMIT, A);
        tracker.onCompacted(1);
        assertThat(tracker.settlement(A)).isNotNull();
        tracker.onCompacted(2);
        assertThat(tracker.settlement(A)).isNull();
    }

    @Test
    void aSettlementWhoseProposalWasCompactedIsStillKnown() {
        append(8, EntryKind.COMMIT, A);
        assertThat(tracker.settlement(A)).isEqualTo(new ProposalTracker.Settlement(8, true));
        assertThat(tracker.compactionLimit(7)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aTicketIsAbandonedOnceItHasBeenSeenOpenForItsTimeToLive() {
        append(1, EntryKind.PROPOSED, A);
        assertThat(tracker.takeAbandoned(1_000, 500)).as("its time starts now").isEmpty();
        assertThat(tracker.takeAbandoned(1_499, 500)).isEmpty();
        assertThat(tracker.takeAbandoned(1_500, 500)).containsExactly(A);
    }
}
