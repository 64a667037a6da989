package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;

/** A replica of a node that lost its data: no vote, no pre-vote, no campaign until it holds a leader's log. */
class ReplicaVerificationTest {

    private final RaftPartitionStateMachine machine = new RaftPartitionStateMachine(1, "a", List.of("b", "c"),
            MachineNet.SETTINGS, new SplittableRandom(1));

    /** Replica "a" of a, b, c, restored from an empty WAL, unverified. */
    ReplicaVerificationTest() {
        machine.restoreBegin(HardState.EMPTY, LogPosition.ZERO, 0, null);
        machine.restoreEnd(0);
        machine.verification().startUnverified();
    }

    /** Everything the machine sends now, including what waits for its WAL write (acknowledged at once). */
    private List<RaftMessage> sent() {
        Ready ready = machine.takeReady();
        List<RaftMessage> out = new ArrayList<>();
        ready.messages.forEach(o -> out.add(o.message()));
        if (ready.persist != null) {
            ready.persist.after().forEach(o -> out.add(o.message()));
            machine.persisted(ready.persist.seq(), ready.persist.lastIndexAfter());
        }
        return out;
    }

    private void append(long term, long prevIndex, long prevTerm, List<LogEntry> entries, long commit) {
        machine.step("b", new AppendLogs(1, term, prevIndex, prevTerm, entries, commit, 0, 0), 0);
        sent();
    }

    /** The answer to {@code request}, asked long after the leader was last heard (no lease protects it). */
    private VoteResponse answerTo(RequestVote request) {
        machine.step("c", request, 10 * MachineNet.SETTINGS.electionMaxMillis());
        return sent().stream().filter(VoteResponse.class::isInstance).map(VoteResponse.class::cast).findFirst()
                .orElseThrow();
    }

    @Test
    void unverifiedReplicaGrantsNoVoteNorPreVoteAndNeverCampaigns() {
        assertThat(answerTo(new RequestVote(1, 1, 5, 1, true, false)).granted()).isFalse();
        assertThat(answerTo(new RequestVote(1, 1, 5, 1, false, false)).granted()).isFalse();
        machine.tick(10 * MachineNet.SETTINGS.electionMaxMillis());
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(sent()).noneMatch(RequestVote.class::isInstance);
        machine.step("b", new TimeoutNow(1, 1, 0), 0);
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(machine.term()).as("adopting a term is no vote").isEqualTo(1);
    }

    @Test
    void commitIndexAtAnEntryOfAnOlderTermDoesNotVerify() {
        // A new leader of term 3 whose inherited commit index 4 (an entry of term 2) may be behind what was
        // committed: it proves nothing yet.
        append(3, 0, 0, run(1, 4, 2), 4);
        assertThat(machine.verification().verified()).isFalse();
        assertThat(answerTo(new RequestVote(1, 4, 9, 3, false, false)).granted()).isFalse();
    }

    @Test
    void commitIndexBeyondTheHeldLogDoesNotVerify() {
        append(3, 0, 0, run(1, 2, 3), 5);
        assertThat(machine.verification().verified()).isFalse();
    }

    @Test
    void holdingTheLeadersLogUpToACommitIndexOfItsTermVerifies() {
        append(3, 0, 0, run(1, 4, 2), 4);
        append(3, 4, 2, run(5, 5, 3), 5);
        assertThat(machine.verification().verified()).isTrue();
        assertThat(machine.verification().confirmedSinceOpened()).as("verifying also confirms").isTrue();
        assertThat(answerTo(new RequestVote(1, 3, 9, 2, false, false)).granted())
                .as("a candidate of the leader's own term ends in an older term: refused").isFalse();
        assertThat(answerTo(new RequestVote(1, 4, 5, 3, false, false)).granted()).isTrue();
    }

    @Test
    void firstStartVerifiesAtOnce() {
        machine.verification().verify();
        assertThat(answerTo(new RequestVote(1, 1, 0, 0, false, false)).granted()).isTrue();
    }

    @Test
    void aReplicaVerifiedBeforeIsConfirmedOnlyOnceItHoldsALeadersLogSinceItWasOpened() {
        RaftPartitionStateMachine kept = new RaftPartitionStateMachine(1, "a", List.of("b", "c"),
                MachineNet.SETTINGS, new SplittableRandom(1));
        kept.restoreBegin(HardState.EMPTY, LogPosition.ZERO, 0, null);
        kept.restoreEnd(0);
        assertThat(kept.verification().verified()).as("its node lost no data").isTrue();
        assertThat(kept.verification().confirmedSinceOpened()).isFalse();
        kept.step("b", new AppendLogs(1, 3, 0, 0, run(1, 4, 2), 4, 0, 0), 0);
        assertThat(kept.verification().confirmedSinceOpened()).as("commit index at an older term's entry").isFalse();
        kept.step("b", new AppendLogs(1, 3, 4, 2, run(5, 5, 3), 5, 0, 0), 0);
        assertThat(kept.verification().confirmedSinceOpened()).isTrue();
    }

    /** Holds the leader's log 1..5 (term 3 at 5), committed through 5, then forgets that a leader's log confirmed it. */
    private void heldThenForgotten() {
        append(3, 0, 0, run(1, 4, 2), 4);
        append(3, 4, 2, run(5, 5, 3), 5);
        machine.forgetLeaderConfirmation();
    }

    @Test
    void aForgottenConfirmationComesBackOnlyWithALeadersLogHeldAgain() {
        heldThenForgotten();
        assertThat(machine.verification().confirmedSinceOpened()).isFalse();
        assertThat(machine.verification().verified()).as("the lasting mark stays").isTrue();
        append(3, 5, 3, List.of(), 5);
        assertThat(machine.verification().confirmedSinceOpened()).isTrue();
    }

    @Test
    void aLeadersQuiesceOverItsWholeCommittedLogConfirmsAgain() {
        heldThenForgotten();
        machine.step("b", new Quiesce(1, 3, 5, 2), 0);
        assertThat(machine.verification().confirmedSinceOpened()).as("a Quiesce this log does not match at its index")
                .isFalse();
        machine.step("b", new Quiesce(1, 3, 5, 3), 0);
        assertThat(machine.verification().confirmedSinceOpened()).isTrue();
    }

    @Test
    void aFirstStartVerifiesWithoutConfirming() {
        machine.verification().verify();
        assertThat(machine.verification().confirmedSinceOpened()).as("no leader's log held").isFalse();
    }
}
