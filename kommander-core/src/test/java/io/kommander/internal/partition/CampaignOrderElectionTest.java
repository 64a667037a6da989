package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.VoteResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the {@link CampaignOrder} settles which of the replicas that lost their leader together stands: the pre-vote
 * goes to the better placed asker, a pre-candidate steps back for a better placed one, and a leader's successor
 * stands as soon as node liveness says the leader's node is dead. In partition 1 of {a, b, c} the order is b, c, a.
 */
class CampaignOrderElectionTest {

    private static final long MIN = MachineNet.SETTINGS.electionMinMillis();

    /** A restored replica {@code self} of partition 1 of {a, b, c}, a follower at term 0 with no leader. */
    private static RaftPartitionStateMachine replica(String self) {
        return MachineNet.restoredReplica(self, List.of("a", "b", "c").stream().filter(p -> !p.equals(self)).toList());
    }

    /** Lets {@code machine}'s election timeout pass: it asks for pre-votes for term 1. */
    private static long timeOut(RaftPartitionStateMachine machine) {
        long now = MachineNet.timeOut(machine);
        assertThat(machine.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
        return now;
    }

    private static RequestVote preVote(long term) {
        return new RequestVote(MachineNet.PARTITION, term, 0, 0, true, false);
    }

    /** Whether {@code machine} granted the one pre-vote it answered last. */
    private static boolean granted(RaftPartitionStateMachine machine) {
        Ready ready = machine.takeReady();
        List<Ready.Outbound> sent = ready.persist == null ? ready.messages : ready.persist.after();
        return sent.stream().map(o -> (VoteResponse) o.message()).reduce((first, second) -> second).orElseThrow()
                .granted();
    }

    @Test
    void preCandidateGrantsABetterPlacedAskerAndStepsBack() {
        RaftPartitionStateMachine a = replica("a");
        long now = timeOut(a);
        a.step("b", preVote(1), now);
        assertThat(granted(a)).isTrue();
        assertThat(a.role()).as("it cannot pass the pre-vote too").isEqualTo(RaftRole.FOLLOWER);
        assertThat(a.term()).isZero();
        a.step("c", new VoteResponse(MachineNet.PARTITION, 1, true, true), now);
        assertThat(a.role()).as("a late grant of its own round is refused").isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void preCandidateRefusesAWorsePlacedAsker() {
        RaftPartitionStateMachine c = replica("c");
        long now = timeOut(c);
        c.step("a", preVote(1), now);
        assertThat(granted(c)).isFalse();
        assertThat(c.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
        c.step("b", preVote(1), now);
        assertThat(granted(c)).as("b comes before c").isTrue();
        assertThat(c.role()).isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void preCandidateWhoseRoundsGetNoAnswerGrantsAWorsePlacedAskerAfterATimeout() {
        RaftPartitionStateMachine c = replica("c");
        long now = timeOut(c);
        now += MachineNet.SETTINGS.electionMaxMillis() + 1;
        c.tick(now);
        c.takeReady();
        assertThat(c.role()).as("standing again: its first round had no answer").isEqualTo(RaftRole.PRE_CANDIDATE);
        c.step("a", preVote(1), now);
        assertThat(granted(c)).isTrue();
        assertThat(c.role()).isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void followerFavoursTheBetterPlacedAskerForATimeoutThenGrantsAgain() {
        RaftPartitionStateMachine a = replica("a");
        a.step("b", preVote(1), 1);
        assertThat(granted(a)).isTrue();
        a.step("c", preVote(1), 2);
        assertThat(granted(a)).as("b, favoured, comes before c").isFalse();
        a.step("c", preVote(2), 3);
        assertThat(granted(a)).as("the favour holds for its term only").isTrue();
        a.step("b", preVote(2), 4);
        assertThat(granted(a)).as("a better placed asker is always granted").isTrue();
        a.step("c", preVote(2), 4 + MIN);
        assertThat(granted(a)).as("the favour lapses after the minimum election timeout").isTrue();
    }

    @Test
    void withTheOrderIgnoredBothPreCandidatesGrantEachOther() {
        RaftPartitionStateMachine c = replica("c");
        c.plant(PlantedBug.CAMPAIGNS_IGNORE_ORDER);
        long now = timeOut(c);
        c.step("a", preVote(1), now);
        assertThat(granted(c)).isTrue();
        assertThat(c.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void theLostLeadersSuccessorStandsAtOnceAndTheOthersWait() {
        MachineNet net = MachineNet.withDisks(MachineNet.SETTINGS.toBuilder().quiesceAfterTicks(2).build(),
                List.of("a", "b", "c"));
        net.elect("b");
        net.advance(20 * MachineNet.SETTINGS.heartbeatMillis());
        assertThat(List.of("a", "b", "c")).allSatisfy(n -> assertThat(net.m(n).quiesced()).isTrue());

        net.cut("b");
        net.m("a").leaderNodeDown("b", net.now);
        net.m("c").leaderNodeDown("b", net.now);
        assertThat(net.m("c").tickDueAt()).as("c comes first after b").isLessThanOrEqualTo(net.now);
        assertThat(net.m("a").tickDueAt()).isGreaterThanOrEqualTo(net.now + MIN);

        net.m("c").tick(net.now);
        net.deliverAll();
        assertThat(net.m("c").role()).isEqualTo(RaftRole.LEADER);
        assertThat(net.m("c").term()).isEqualTo(net.m("b").term() + 1);
    }
}
