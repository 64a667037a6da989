package io.kommander.internal.partition;

import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh partition's first campaign ({@link Elections#standFirstIfFresh}): the replica first in the campaign order
 * stands at once, the others wait their slots of the timeout span. In partition 1 of {a, b, c} the order is b, c, a.
 */
class FirstCampaignTest {

    private static final long MIN = MachineNet.SETTINGS.electionMinMillis();

    private static RaftPartitionStateMachine replica(String self) {
        return MachineNet.replica(self, List.of("a", "b", "c").stream().filter(p -> !p.equals(self)).toList());
    }

    private static RaftPartitionStateMachine restored(String self, HardState hardState) {
        RaftPartitionStateMachine machine = replica(self);
        machine.restoreBegin(hardState, LogPosition.ZERO, 0, null);
        machine.restoreEnd(0);
        return machine;
    }

    @Test
    void freshReplicaFirstInTheOrderStandsAtOnce() {
        RaftPartitionStateMachine b = restored("b", HardState.EMPTY);
        assertThat(b.tickDueAt()).isLessThanOrEqualTo(0);
        b.tick(0);
        assertThat(b.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
        assertThat(b.term()).as("a pre-vote round: the term waits for its result").isZero();
    }

    @Test
    void theOthersWaitTheirSlots() {
        assertThat(restored("c", HardState.EMPTY).tickDueAt()).isGreaterThanOrEqualTo(MIN);
        assertThat(restored("a", HardState.EMPTY).tickDueAt()).isGreaterThanOrEqualTo(MIN);
    }

    @Test
    void aReplicaThatTookPartInAnElectionWaitsItsTimeout() {
        assertThat(restored("b", new HardState(1, "c", 0)).tickDueAt()).isGreaterThanOrEqualTo(MIN);
        assertThat(restored("b", new HardState(1, "", 0)).tickDueAt()).isGreaterThanOrEqualTo(MIN);
    }

    @Test
    void anUnverifiedReplicaStandsOnlyOnceTheFirstStartVerifiesIt() {
        RaftPartitionStateMachine b = replica("b");
        b.restoreBegin(HardState.EMPTY, LogPosition.ZERO, 0, null);
        b.verification().startUnverified();
        b.restoreEnd(0);
        assertThat(b.tickDueAt()).isGreaterThanOrEqualTo(MIN);

        b.tick(50);
        b.verifiedAtFirstStart();
        assertThat(b.tickDueAt()).isLessThanOrEqualTo(50);
        b.tick(60);
        assertThat(b.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void unansweredPreVotesOfTheFirstAreAskedAgainEveryHeartbeatForATimeout() {
        long heartbeat = MachineNet.SETTINGS.heartbeatMillis();
        RaftPartitionStateMachine b = restored("b", HardState.EMPTY);
        b.tick(0);
        assertThat(preVotes(b)).as("the first round").hasSize(2);
        assertThat(b.tickDueAt()).as("peers still restoring drop it: asked again a heartbeat later")
                .isEqualTo(heartbeat);
        b.tick(heartbeat);
        assertThat(preVotes(b)).as("the second round").hasSize(2);
        assertThat(b.role()).isEqualTo(RaftRole.PRE_CANDIDATE);

        long t = heartbeat;
        while (t < MIN) {
            t = b.tickDueAt();
            b.tick(t);
            b.takeReady();
        }
        assertThat(b.tickDueAt() - t).as("a timeout after it first stood: back to its slot")
                .isGreaterThanOrEqualTo(MIN);
    }

    @Test
    void theOthersAskOncePerTimeout() {
        RaftPartitionStateMachine c = restored("c", HardState.EMPTY);
        long due = c.tickDueAt();
        c.tick(due);
        assertThat(preVotes(c)).hasSize(2);
        assertThat(c.tickDueAt() - due).isGreaterThanOrEqualTo(MIN);
    }

    private static List<io.kommander.transport.RaftMessage.RequestVote> preVotes(RaftPartitionStateMachine machine) {
        return machine.takeReady().messages.stream().map(Ready.Outbound::message)
                .filter(m -> m instanceof io.kommander.transport.RaftMessage.RequestVote v && v.preVote())
                .map(m -> (io.kommander.transport.RaftMessage.RequestVote) m).toList();
    }

    @Test
    void aFirstRoundLostToPeersStillRestoringDelaysTheLeaderByAHeartbeat() {
        FirstLeader first = firstLeaderAfterTheFirstRoundIsLost(false);
        assertThat(first.name()).isEqualTo("b");
        assertThat(first.term()).isEqualTo(1);
        assertThat(first.at()).isLessThanOrEqualTo(2 * MachineNet.SETTINGS.heartbeatMillis());
    }

    /**
     * The negative control of the rounds asked again (as before seed 14414, whose run no longer shows it): asked once,
     * the first replica waits a whole timeout before it asks again, while its peers (in the simulator, restoring
     * later than it under clock steps) may stand meanwhile.
     */
    @Test
    void askedOnceTheFirstWaitsATimeout() {
        assertThat(firstLeaderAfterTheFirstRoundIsLost(true).at()).isGreaterThanOrEqualTo(MIN);
    }

    private record FirstLeader(String name, long term, long at) {
    }

    /** b stands first, its peers drop the first round (still restoring), then time runs until someone leads. */
    private static FirstLeader firstLeaderAfterTheFirstRoundIsLost(boolean askedOnce) {
        MachineNet net = new MachineNet("a", "b", "c");
        if (askedOnce) {
            net.plant("b", PlantedBug.FRESH_PRE_VOTE_ASKED_ONCE);
        }
        net.m("b").tick(0);
        assertThat(net.drop(env -> true)).as("the first round").hasSize(2);
        long end = 3 * MachineNet.SETTINGS.electionMaxMillis();
        while (net.now < end) {
            net.advance(MachineNet.SETTINGS.heartbeatMillis());
            for (String name : net.names()) {
                if (net.m(name).role() == RaftRole.LEADER) {
                    return new FirstLeader(name, net.m(name).term(), net.now);
                }
            }
        }
        throw new AssertionError("no leader within " + end + " ms");
    }

    @Test
    void theWholeGroupElectsTheFirstInOneTermWithoutWaitingATimeout() {
        MachineNet net = new MachineNet("a", "b", "c");
        net.m("b").tick(0);
        net.deliverAll();
        assertThat(net.m("b").role()).isEqualTo(RaftRole.LEADER);
        assertThat(net.m("b").term()).isEqualTo(1);
    }
}
