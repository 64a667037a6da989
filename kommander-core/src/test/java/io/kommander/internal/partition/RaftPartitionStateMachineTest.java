package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HLCTimestampFixture;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RaftPartitionStateMachineTest {

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.DATA, HLCTimestampFixture.at(index), "t", new byte[] {(byte) index});
    }

    @Test
    void singleNodeElectsItselfAndCommitsOnceDurable() {
        MachineNet net = new MachineNet("a");
        net.elect("a");
        assertThat(net.m("a").role()).isEqualTo(RaftRole.LEADER);
        long request = net.propose("a", "x");
        net.deliverAll();
        assertThat(net.completions.get(request).result().success()).isTrue();
        assertThat(net.delivered.get("a")).extracting(l -> new String(l.data())).containsExactly("x");
    }

    @Test
    void candidateWinsWithMajorityAndAppendsBarrierBeforeServing() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        assertThat(net.leader()).isEqualTo("a");
        assertThat(net.m("a").term()).isEqualTo(1);
        assertThat(net.m("b").leader()).isEqualTo("a");
        assertThat(net.m("a").cachedEntry(1).kind()).isEqualTo(EntryKind.BARRIER);
        assertThat(net.m("a").isReadyLeader()).isTrue();
    }

    @Test
    void voteIsRefusedToCandidateWithStaleLog() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.propose("a", "x");
        net.deliverAll();
        RaftPartitionStateMachine b = net.m("b");
        long term = b.term();
        b.step("c", new RequestVote(1, term + 1, 0, 0, false, true), net.now + 1000);
        Ready ready = b.takeReady();
        VoteResponse response = (VoteResponse) ready.persist.after().get(0).message();
        assertThat(response.granted()).isFalse();
        assertThat(b.hardState().votedFor()).isEmpty();
    }

    @Test
    void voteResponseLeavesOnlyAfterTheVoteIsPersisted() {
        MachineNet net = new MachineNet("a", "b", "c");
        RaftPartitionStateMachine b = net.m("b");
        b.step("a", new RequestVote(1, 1, 0, 0, false, false), 0);
        Ready ready = b.takeReady();
        assertThat(ready.messages).isEmpty();
        assertThat(ready.persist.write().hardState().votedFor()).isEqualTo("a");
        assertThat(ready.persist.after()).extracting(o -> o.message()).singleElement()
                .isInstanceOf(VoteResponse.class);
    }

    @Test
    void preVoteOfIsolatedNodeDoesNotRaiseAnyTerm() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        long term = net.m("a").term();
        net.cut.add("c");
        net.advance(2_000);
        assertThat(net.m("c").term()).isEqualTo(term);
        net.cut.clear();
        net.advance(500);
        assertThat(net.m("a").role()).isEqualTo(RaftRole.LEADER);
        assertThat(net.m("a").term()).isEqualTo(term);
    }

    @Test
    void followerWithDivergentSuffixTruncatesToLeader() {
        MachineNet net = new MachineNet("a", "b", "c");
        RaftPartitionStateMachine b = net.m("b");
        // b holds entries 1..3 of term 1 that were never committed.
        b.step("c", new AppendLogs(1, 1, 0, 0, List.of(entry(1, 1), entry(2, 1), entry(3, 1)), 0, 0, 0), 0);
        b.takeReady();
        b.persisted(1, 3);
        // The leader of term 2 has entry 1 of term 1, then 2..3 of term 2.
        b.step("a", new AppendLogs(1, 2, 1, 1, List.of(entry(2, 2), entry(3, 2)), 1, 0, 0), 10);
        Ready ready = b.takeReady();
        assertThat(ready.persist.write().truncateAfter()).isEqualTo(1);
        assertThat(ready.persist.write().entries()).extracting(LogEntry::term).containsExactly(2L, 2L);
        assertThat(b.termAt(2)).isEqualTo(2);
        assertThat(b.termAt(3)).isEqualTo(2);
        AppendLogsResponse ack = (AppendLogsResponse) ready.persist.after().get(0).message();
        assertThat(ack.success()).isTrue();
        assertThat(ack.matchIndex()).isEqualTo(3);
    }

    @Test
    void entriesInTheLogAtRestartGoToOnLogRestoredOnceCommitted() {
        // b restarts holding 1..3 of term 1 with commit index 1 stored: 2..3 may have been delivered before the
        // crash (delivery does not wait for the commit index to be durable), so they must not be delivered again.
        RaftPartitionStateMachine b = restartedWith(new io.kommander.wal.HardState(1, "", 1),
                entry(1, 1), entry(2, 1), entry(3, 1));
        b.step("a", new AppendLogs(1, 1, 3, 1, List.of(entry(4, 1)), 4, 0, 0), 10);
        Ready ready = b.takeReady();
        assertThat(ready.restoredDeliveries).extracting(io.kommander.RaftLog::index).containsExactly(2L, 3L);
        assertThat(ready.deliveries).isEmpty();
        b.persisted(ready.persist.seq(), ready.persist.lastIndexAfter());
        assertThat(b.takeReady().deliveries).extracting(io.kommander.RaftLog::index).containsExactly(4L);
    }

    @Test
    void restartedEntriesReplacedByTheLeaderAreDeliveredAsNew() {
        // 2..3 of term 1 were never committed: the leader of term 2 replaces them, and its entries are new here.
        RaftPartitionStateMachine b = restartedWith(new io.kommander.wal.HardState(1, "", 1),
                entry(1, 1), entry(2, 1), entry(3, 1));
        b.step("a", new AppendLogs(1, 2, 1, 1, List.of(entry(2, 2), entry(3, 2)), 3, 0, 0), 10);
        Ready ready = b.takeReady();
        assertThat(ready.restoredDeliveries).isEmpty();
        assertThat(ready.deliveries).isEmpty();
        b.persisted(ready.persist.seq(), ready.persist.lastIndexAfter());
        Ready durable = b.takeReady();
        assertThat(durable.restoredDeliveries).isEmpty();
        assertThat(durable.deliveries).extracting(io.kommander.RaftLog::term).containsExactly(2L, 2L);
    }

    private static RaftPartitionStateMachine restartedWith(io.kommander.wal.HardState hardState,
                                                           LogEntry... stored) {
        RaftPartitionStateMachine m = new RaftPartitionStateMachine(1, "b", List.of("a", "c"), MachineNet.SETTINGS,
                new java.util.SplittableRandom(7));
        m.restoreBegin(hardState, io.kommander.wal.LogPosition.ZERO, 0);
        assertThat(m.restoreEntries(List.of(stored))).extracting(io.kommander.RaftLog::index)
                .containsExactly(hardState.commitIndex());
        m.restoreEnd(0);
        return m;
    }

    @Test
    void appendWithUnknownAnchorIsRejectedWithHint() {
        MachineNet net = new MachineNet("a", "b", "c");
        RaftPartitionStateMachine b = net.m("b");
        b.step("a", new AppendLogs(1, 1, 5, 1, List.of(entry(6, 1)), 0, 0, 0), 0);
        Ready ready = b.takeReady();
        AppendLogsResponse nack = (AppendLogsResponse) ready.persist.after().get(0).message();
        assertThat(nack.success()).isFalse();
        assertThat(nack.matchIndex()).isEqualTo(0);
        assertThat(b.lastIndex()).isZero();
    }

    @Test
    void leaderDoesNotCommitOlderTermEntryByCountingReplicas() {
        // Figure 8: a leader of term 3 holding an uncommitted entry of term 2 must not commit it by replica count.
        MachineNet net = new MachineNet("a", "b", "c");
        RaftPartitionStateMachine a = electWithOldTermEntry(net);
        // b acknowledges index 1 only (the old-term entry), as if the barrier had not reached it.
        a.step("b", new AppendLogsResponse(1, a.term(), true, 1, 0), net.now);
        net.flush();
        assertThat(a.commitIndex()).isZero();
        // Once the barrier of a's own term is replicated, both commit together.
        a.step("b", new AppendLogsResponse(1, a.term(), true, 2, 0), net.now);
        net.flush();
        assertThat(a.commitIndex()).isEqualTo(2);
    }

    @Test
    void plantedFigureEightBugCommitsOlderTermEntryByCounting() {
        // Negative control for the test above: the simulator's random faults rarely produce this interleaving.
        MachineNet net = new MachineNet("a", "b", "c");
        net.m("a").plant(PlantedBug.COMMIT_OLD_TERM_BY_COUNTING);
        RaftPartitionStateMachine a = electWithOldTermEntry(net);
        a.step("b", new AppendLogsResponse(1, a.term(), true, 1, 0), net.now);
        net.flush();
        assertThat(a.commitIndex()).isEqualTo(1);
    }

    /** a and b hold entry 1 of term 2 (from a leader c now cut off); a wins a later term, acks held back. */
    private static RaftPartitionStateMachine electWithOldTermEntry(MachineNet net) {
        RaftPartitionStateMachine a = net.m("a");
        for (String name : List.of("a", "b")) {
            RaftPartitionStateMachine m = net.m(name);
            m.step("c", new AppendLogs(1, 2, 0, 0, List.of(entry(1, 2)), 0, 0, 0), 0);
            m.takeReady();
            m.persisted(1, 1);
        }
        net.cut.add("c");
        net.now = 1000;
        a.tick(net.now);
        net.flush();
        // Deliver only the pre-vote and vote traffic, but hold back every AppendLogs acknowledgement to a.
        int guard = 0;
        while (!net.inFlight.isEmpty() && guard++ < 50) {
            MachineNet.Envelope env = net.inFlight.poll();
            if (env.message() instanceof AppendLogsResponse) {
                continue;
            }
            net.m(env.to()).step(env.from(), env.message(), net.now);
            net.flush();
        }
        assertThat(a.role()).isEqualTo(RaftRole.LEADER);
        assertThat(a.termAt(1)).isEqualTo(2);
        return a;
    }

    @Test
    void leaderThatLosesQuorumStepsDown() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.cut.add("a");
        net.advance(SETTINGS().checkQuorumMillis() * 2 + 20);
        assertThat(net.m("a").role()).isNotEqualTo(RaftRole.LEADER);
    }

    @Test
    void minorityLeaderCannotCommit() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.cut.add("b");
        net.cut.add("c");
        long request = net.propose("a", "lost");
        net.deliverAll();
        assertThat(net.completions).doesNotContainKey(request);
        assertThat(net.m("a").commitIndex()).isEqualTo(1);
    }

    @Test
    void readIndexConfirmsOnlyAfterQuorumRound() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        long read = net.readIndex("a");
        net.flush();
        assertThat(net.statuses).doesNotContainKey(read);
        net.deliverAll();
        assertThat(net.statuses.get(read).status()).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void readIndexFailsOnFollower() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        long read = net.readIndex("b");
        net.flush();
        assertThat(net.statuses.get(read).status()).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
    }

    @Test
    void readIndexOfPartitionedLeaderNeverConfirms() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.cut.add("a");
        long read = net.readIndex("a");
        net.advance(1_000);
        assertThat(net.statuses.get(read).status()).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
    }

    @Test
    void writeOnFollowerFailsWithLeaderHint() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        long request = net.propose("b", "x");
        net.flush();
        assertThat(net.completions.get(request).result().status()).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
        assertThat(net.completions.get(request).result().leader()).isEqualTo("a");
    }

    @Test
    void messagesFromOlderTermAreIgnoredAndCounted() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.elect("b");
        RaftPartitionStateMachine b = net.m("b");
        long before = b.ignoredMessages();
        b.step("c", new VoteResponse(1, 1, true, false), net.now);
        assertThat(b.ignoredMessages()).isEqualTo(before + 1);
        assertThat(b.role()).isEqualTo(RaftRole.LEADER);
    }

    @Test
    void leadershipTransferHandsOverToCaughtUpTarget() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        net.m("a").transferLeadership(99, "c", net.now);
        net.deliverAll();
        assertThat(net.leader()).isEqualTo("c");
        assertThat(net.statuses.get(99L).status()).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void manyProposalsReplicateAndDeliverInOrderEverywhere() {
        MachineNet net = new MachineNet("a", "b", "c", "d", "e");
        net.elect("a");
        for (int i = 0; i < 500; i++) {
            net.propose("a", "v" + i);
            if (i % 50 == 0) {
                net.deliverAll();
            }
        }
        net.advance(100);
        for (String node : List.of("a", "b", "c", "d", "e")) {
            assertThat(net.delivered.get(node)).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(new String(net.delivered.get(node).get(i).data())).isEqualTo("v" + i);
            }
        }
    }

    private static PartitionSettings SETTINGS() {
        return MachineNet.SETTINGS;
    }
}
