package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Terms and indexes are data: what no correct peer sends is refused and counted, and changes nothing. */
class MessageSanityTest {

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.DATA, new HLCTimestamp(index, 0, 1), "t", new byte[] {1});
    }

    private static AppendLogs append(long term, long prevIndex, long prevTerm, List<LogEntry> entries) {
        return new AppendLogs(1, term, prevIndex, prevTerm, entries, 0, 0, 0);
    }

    @Test
    void termsFarAheadOrNegativeAreRefused() {
        long bound = RaftPartitionStateMachine.MAX_TERM_LEAD;
        assertThat(MessageSanity.plausible(append(3 + bound, 0, 0, List.of()), 3, 0, false)).isTrue();
        assertThat(MessageSanity.plausible(append(4 + bound, 0, 0, List.of()), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(new RequestVote(1, Long.MAX_VALUE, 0, 0, false, true), 3, 0, false))
                .isFalse();
        assertThat(MessageSanity.plausible(new TimeoutNow(1, -1, 0), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(new TimeoutNow(1, 1_000_000_000_000L, 0), 3, 0, true))
                .as("planted bug: no bound").isTrue();
    }

    @Test
    void entriesMustFollowTheirAnchorWithTermsThatNeverDecreaseOrPassTheLeaders() {
        assertThat(MessageSanity.plausible(append(3, 4, 2, List.of(entry(5, 2), entry(6, 3))), 3, 0, false)).isTrue();
        assertThat(MessageSanity.plausible(append(3, 4, 2, List.of(entry(6, 3))), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(append(3, 4, 2, List.of(entry(5, 1))), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(append(3, 4, 2, List.of(entry(5, 4))), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(append(3, 4, 5, List.of()), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(append(3, Long.MAX_VALUE, 2, List.of(entry(5, 2))), 3, 0, false))
                .isFalse();
        assertThat(MessageSanity.plausible(append(3, -1, 0, List.of()), 3, 0, false)).isFalse();
    }

    private static InstallSnapshot chunk(long term, long index, long indexTerm, long total, long offset, int length,
                                         long crc) {
        return new InstallSnapshot(1, term, index, indexTerm, total, crc, offset, new byte[length], crc);
    }

    @Test
    void snapshotChunksMustLieWithinASnapshotOfPlausibleSizeAtARealEntry() {
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, 100, 90, 10, 7), 3, 0, false)).isTrue();
        assertThat(MessageSanity.plausible(chunk(3, 0, 0, 100, 0, 10, 7), 3, 0, false)).as("index 0").isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 4, 100, 0, 10, 7), 3, 0, false)).as("term past the leader's")
                .isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, 100, 95, 10, 7), 3, 0, false)).as("past the end")
                .isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, 100, 0, 0, 7), 3, 0, false)).as("empty").isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, SnapshotImage.MAX_BYTES + 1, 0, 10, 7), 3, 0, false))
                .as("too large").isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, 100, -1, 10, 7), 3, 0, false)).isFalse();
        assertThat(MessageSanity.plausible(chunk(3, 10, 2, 100, 0, 10, 1L << 32), 3, 0, false)).as("a 33-bit CRC")
                .isFalse();
        assertThat(MessageSanity.plausible(new InstallSnapshotResponse(1, 3, 10, 7, 50, false), 3, 0, false))
                .isTrue();
        assertThat(MessageSanity.plausible(new InstallSnapshotResponse(1, 3, 10, 7, -1, false), 3, 0, false))
                .isFalse();
        assertThat(MessageSanity.plausible(new InstallSnapshotResponse(1, 3, -1, 7, 0, true), 3, 0, false))
                .isFalse();
    }

    @Test
    void anAcknowledgementOfEntriesNeverSentIsRefused() {
        assertThat(MessageSanity.plausible(new AppendLogsResponse(1, 3, true, 9, 0), 3, 9, false)).isTrue();
        assertThat(MessageSanity.plausible(new AppendLogsResponse(1, 3, true, Long.MAX_VALUE, 0), 3, 9, false))
                .isFalse();
        assertThat(MessageSanity.plausible(new AppendLogsResponse(1, 3, false, 20, 0), 3, 9, false))
                .as("a rejection's hint is the follower's own last index").isTrue();
        assertThat(MessageSanity.plausible(new AppendLogsResponse(1, 3, false, -2, 0), 3, 9, false)).isFalse();
        assertThat(MessageSanity.plausible(new AppendLogsResponse(1, 3, false, Long.MAX_VALUE, 0), 3, 9, false))
                .as("its next index would overflow").isFalse();
    }

    @Test
    void aForgedHugeTermChangesNoReplicaAndTheLeaderKeepsLeading() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        long term = net.m("b").term();
        net.m("b").step("c", new RequestVote(1, Long.MAX_VALUE, 100, Long.MAX_VALUE - 1, false, true), net.now);
        net.m("b").step("a", append(1_000_000_000_000L, 0, 0, List.of()), net.now);
        net.m("a").step("b", new AppendLogsResponse(1, term, true, Long.MAX_VALUE, 0), net.now);
        assertThat(net.m("b").term()).isEqualTo(term);
        assertThat(net.m("b").refusedMessages(Reason.IMPLAUSIBLE)).isEqualTo(2);
        assertThat(net.m("a").refusedMessages(Reason.IMPLAUSIBLE)).isEqualTo(1);
        long write = net.propose("a", "x");
        net.deliverAll();
        assertThat(net.completions.get(write).result().success()).isTrue();
        assertThat(net.leader()).isEqualTo("a");
    }
}
