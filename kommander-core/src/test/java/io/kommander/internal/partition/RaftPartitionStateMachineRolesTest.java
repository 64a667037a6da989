package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The term gate and what each role does with each message: handled, or refused and counted. */
class RaftPartitionStateMachineRolesTest {

    /** A restored replica "a" of a group with {@code peers}, as a follower at term 0. */
    private static RaftPartitionStateMachine replica(String... peers) {
        return MachineNet.restoredReplica("a", List.of(peers));
    }

    /** Lets {@code machine}'s election timeout pass: it becomes a pre-candidate. */
    private static long timeOut(RaftPartitionStateMachine machine) {
        return MachineNet.timeOut(machine);
    }

    private static AppendLogs heartbeat(long term) {
        return new AppendLogs(1, term, 0, 0, List.of(), 0, 0, 0);
    }

    @Test
    void messageBeforeRestoreIsRefused() {
        RaftPartitionStateMachine machine = new RaftPartitionStateMachine(1, "a", List.of("b"), MachineNet.SETTINGS,
                new SplittableRandom(1));
        machine.step("b", heartbeat(1), 0);
        assertThat(machine.refusedMessages(Reason.NOT_RESTORED)).isEqualTo(1);
        assertThat(machine.term()).isZero();
    }

    @Test
    void timeoutNowOrAnswerFromANonMemberIsRefused() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("z", new TimeoutNow(1, 5, 0), 0);
        machine.step("z", new VoteResponse(1, 5, true, false), 0);
        machine.step("z", new AppendLogsResponse(1, 5, true, 0, 0), 0);
        assertThat(machine.refusedMessages(Reason.UNKNOWN_SENDER)).isEqualTo(3);
        assertThat(machine.term()).isZero();
    }

    @Test
    void leaderOfALaterConfigurationIsFollowed() {
        // A replica that lags behind a change does not know the members it added: one of them may lead.
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("z", heartbeat(5), 0);
        assertThat(machine.refusedMessages(Reason.UNKNOWN_SENDER)).isZero();
        assertThat(machine.term()).isEqualTo(5);
        assertThat(machine.leader()).isEqualTo("z");
    }

    @Test
    void newerTermMakesAFollowerOfItsSender() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("b", heartbeat(3), 0);
        assertThat(machine.term()).isEqualTo(3);
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(machine.leader()).isEqualTo("b");
    }

    @Test
    void staleLeaderIsToldTheNewerTerm() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("b", heartbeat(3), 0);
        machine.takeReady();
        machine.step("c", heartbeat(2), 0);
        Ready ready = machine.takeReady();
        assertThat(ready.messages).singleElement().satisfies(o -> {
            assertThat(o.to()).isEqualTo("c");
            assertThat(((AppendLogsResponse) o.message()).term()).isEqualTo(3);
        });
        assertThat(machine.ignoredMessages()).isZero();
    }

    @Test
    void voteRequestWithinTheLeaderLeaseIsRefused() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("b", heartbeat(1), 0);
        machine.step("c", new RequestVote(1, 2, 5, 1, false, false), 1);
        assertThat(machine.refusedMessages(Reason.LEADER_LEASE)).isEqualTo(1);
        assertThat(machine.term()).isEqualTo(1);
        machine.step("c", new RequestVote(1, 2, 5, 1, false, true), 2);
        assertThat(machine.term()).as("a transfer's vote request passes the lease").isEqualTo(2);
    }

    @Test
    void followerRefusesAnswersToQuestionsItNeverAsked() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("b", new AppendLogsResponse(1, 0, true, 0, 0), 0);
        machine.step("b", new VoteResponse(1, 0, false, false), 0);
        assertThat(machine.refusedMessages(Reason.UNEXPECTED_FOR_ROLE)).isEqualTo(2);
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void leaderRefusesVotesArrivingAfterItWon() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.elect("a");
        RaftPartitionStateMachine a = net.m("a");
        long before = a.refusedMessages(Reason.UNEXPECTED_FOR_ROLE);
        assertThat(before).as("the answers that came after the majority's").isPositive();
        a.step("b", new VoteResponse(1, a.term(), true, false), net.now);
        a.step("b", new TimeoutNow(1, a.term(), a.lastIndex()), net.now);
        assertThat(a.refusedMessages(Reason.UNEXPECTED_FOR_ROLE)).isEqualTo(before + 2);
        assertThat(a.role()).isEqualTo(RaftRole.LEADER);
    }

    @Test
    void preCandidateFollowsALeaderOfItsTerm() {
        RaftPartitionStateMachine machine = replica("b", "c");
        long now = timeOut(machine);
        assertThat(machine.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
        machine.step("b", heartbeat(0), now);
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(machine.leader()).isEqualTo("b");
    }

    @Test
    void preCandidateRefusesAnswersOfARealElection() {
        RaftPartitionStateMachine machine = replica("b", "c");
        long now = timeOut(machine);
        machine.step("b", new VoteResponse(1, 0, true, false), now);
        machine.step("b", new AppendLogsResponse(1, 0, true, 0, 0), now);
        assertThat(machine.refusedMessages(Reason.UNEXPECTED_FOR_ROLE)).isEqualTo(2);
        assertThat(machine.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void candidateOfAnEvenGroupGivesUpOnceHalfRefuse() {
        RaftPartitionStateMachine machine = replica("b", "c", "d");
        long now = timeOut(machine);
        machine.step("b", new VoteResponse(1, 1, true, true), now);
        machine.step("c", new VoteResponse(1, 1, true, true), now);
        assertThat(machine.role()).isEqualTo(RaftRole.CANDIDATE);
        assertThat(machine.term()).isEqualTo(1);
        machine.step("b", new VoteResponse(1, 1, false, false), now);
        assertThat(machine.role()).isEqualTo(RaftRole.CANDIDATE);
        machine.step("c", new VoteResponse(1, 1, false, false), now);
        assertThat(machine.role()).as("three of four grants are out of reach").isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void followerCampaignsAtOnceOnTimeoutNow() {
        RaftPartitionStateMachine machine = replica("b", "c");
        machine.step("b", heartbeat(1), 0);
        machine.step("b", new TimeoutNow(1, 1, 0), 1);
        assertThat(machine.role()).isEqualTo(RaftRole.CANDIDATE);
        assertThat(machine.term()).isEqualTo(2);
    }
}
