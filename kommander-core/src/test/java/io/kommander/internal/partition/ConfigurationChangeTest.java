package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.ConfigurationChange.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One-member configuration changes on bare state machines: learners, promotion, removal, one change at a time. */
class ConfigurationChangeTest {

    private final MachineNet net = new MachineNet("a", "b", "c");

    private RaftReplicationResult result(long request) {
        net.flush();
        Ready.Completion completion = net.completions.get(request);
        assertThat(completion).as("request %d completed", request).isNotNull();
        return completion.result();
    }

    private RaftOperationStatus status(long request) {
        return result(request).status();
    }

    /** "a" leads, and "d" joins as a learner that has caught up. */
    private void withCaughtUpLearner() {
        net.elect("a");
        net.join("d", List.of("a", "b", "c"));
        long add = net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        net.deliverAll();
        assertThat(status(add)).isEqualTo(RaftOperationStatus.Success);
        net.advance(net.settings.heartbeatMillis());
        assertThat(net.m("d").lastIndex()).isEqualTo(net.m("a").lastIndex());
    }

    @Test
    void aLearnerReceivesTheLogButNeverCountsTowardTheQuorum() {
        withCaughtUpLearner();
        assertThat(net.m("d").configuration().learners()).containsExactly("d");
        net.cut("b");
        net.cut("c");
        long write = net.propose("a", "x");
        net.deliverAll();
        assertThat(net.m("d").lastIndex()).as("the learner holds the write").isEqualTo(net.m("a").lastIndex());
        assertThat(net.completions).as("leader and learner are not a majority of 3 voters").doesNotContainKey(write);
        assertThat(net.m("a").commitIndex()).isLessThan(net.m("a").lastIndex());
    }

    @Test
    void twoLearnersAndTheLeaderCommitWhenLearnersCountPlantedBug() {
        withCaughtUpLearner();
        net.join("e", List.of("a", "b", "c"));
        long add = net.changeConfiguration("a", Kind.ADD_LEARNER, "e");
        net.deliverAll();
        assertThat(status(add)).isEqualTo(RaftOperationStatus.Success);
        net.plant("a", PlantedBug.LEARNER_COUNTS_IN_QUORUM);
        net.cut("b");
        net.cut("c");
        long write = net.propose("a", "x");
        net.deliverAll();
        assertThat(status(write)).as("negative control: 3 of 5 members counted, 1 of 3 voters")
                .isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void aLearnerNeverCampaigns() {
        withCaughtUpLearner();
        net.cut("a");
        net.tick(20 * net.settings.electionMaxMillis());
        assertThat(net.m("d").role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(net.m("d").term()).isEqualTo(net.m("a").term());
    }

    @Test
    void aCaughtUpLearnerIsPromotedAndThenCounts() {
        withCaughtUpLearner();
        long promote = net.changeConfiguration("a", Kind.PROMOTE, "d");
        net.deliverAll();
        assertThat(status(promote)).isEqualTo(RaftOperationStatus.Success);
        assertThat(net.m("b").configuration().voters()).containsExactly("a", "b", "c", "d");
        net.cut("b");
        net.cut("c");
        long write = net.propose("a", "x");
        net.deliverAll();
        assertThat(net.completions).as("2 of 4 voters are not a majority").doesNotContainKey(write);
        net.cut.remove("b");
        net.advance(net.settings.heartbeatMillis() * 3);
        assertThat(status(write)).as("a, b and d are").isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void aLearnerThatHasNotCaughtUpIsNotPromoted() {
        net.elect("a");
        net.join("d", List.of("a", "b", "c"));
        net.cut("d");
        long add = net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        net.deliverAll();
        assertThat(status(add)).isEqualTo(RaftOperationStatus.Success);
        long promote = net.changeConfiguration("a", Kind.PROMOTE, "d");
        assertThat(status(promote)).isEqualTo(RaftOperationStatus.MemberNotCaughtUp);
        assertThat(result(promote).outcome()).isEqualTo(io.kommander.WriteOutcome.NOT_APPENDED);
    }

    @Test
    void aSecondChangeWhileOneIsInFlightIsRefused() {
        net.elect("a");
        net.join("d", List.of("a", "b", "c"));
        net.cut("b");
        net.cut("c");
        long first = net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        long second = net.changeConfiguration("a", Kind.ADD_LEARNER, "e");
        net.deliverAll();
        assertThat(net.completions).doesNotContainKey(first);
        assertThat(status(second)).isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
        assertThat(net.m("a").configuration().learners()).containsExactly("d");
    }

    @Test
    void twoChangesAtOnceAreAppendedWithThePlantedBug() {
        net.elect("a");
        net.join("d", List.of("a", "b", "c"));
        net.join("e", List.of("a", "b", "c"));
        net.plant("a", PlantedBug.TWO_CHANGES_AT_ONCE);
        net.cut("b");
        net.cut("c");
        net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        net.changeConfiguration("a", Kind.ADD_LEARNER, "e");
        assertThat(net.m("a").configuration().learners()).as("negative control").containsExactly("d", "e");
    }

    @Test
    void aRemovedLeaderStepsDownOnceItsRemovalCommitsAndNeverCampaigns() {
        net.elect("a");
        long remove = net.changeConfiguration("a", Kind.REMOVE, "a");
        net.deliverAll();
        assertThat(status(remove)).isEqualTo(RaftOperationStatus.Success);
        assertThat(net.m("a").role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(net.m("b").configuration().voters()).containsExactly("b", "c");
        net.advance(3 * net.settings.electionMaxMillis());
        assertThat(net.leader()).isIn("b", "c");
        assertThat(net.m("a").role()).isEqualTo(RaftRole.FOLLOWER);
        long write = net.propose(net.leader(), "x");
        net.deliverAll();
        assertThat(status(write)).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void aLeaderThatLostLeadershipBeforeItsRemovalCommittedStandsAgainAndCommitsIt() {
        net.elect("a");
        long removeC = net.changeConfiguration("a", Kind.REMOVE, "c");
        net.deliverAll();
        assertThat(status(removeC)).isEqualTo(RaftOperationStatus.Success);
        net.cut("b");
        net.changeConfiguration("a", Kind.REMOVE, "a");
        net.flush();
        // Only a holds its removal; without b it loses leadership (check-quorum).
        net.tick(3 * net.settings.electionMaxMillis());
        assertThat(net.m("a").role()).isNotEqualTo(RaftRole.LEADER);
        assertThat(net.m("a").configuration().voters()).containsExactly("b");
        net.cut.remove("b");
        // b cannot win without a's vote (voters a and b in its log), and a refuses it: a's log is longer. So a, still
        // a voter in the last committed configuration, stands again, counting only b, and commits its removal.
        net.advance(6 * net.settings.electionMaxMillis());
        assertThat(net.leader()).isEqualTo("b");
        assertThat(net.m("b").configuration().voters()).containsExactly("b");
        long write = net.propose("b", "x");
        net.deliverAll();
        assertThat(status(write)).isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void removalThatLeavesTooFewCaughtUpVotersIsRefused() {
        net.elect("a");
        net.cut("b");
        net.propose("a", "x");
        net.propose("a", "y");
        net.deliverAll();
        // b missed both writes: without c, only a holds everything committed, one of the two remaining voters.
        long remove = net.changeConfiguration("a", Kind.REMOVE, "c");
        assertThat(status(remove)).isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(net.m("a").configuration().voters()).containsExactly("a", "b", "c");
    }

    @Test
    void theLastVoterIsNeverRemoved() {
        MachineNet alone = new MachineNet("a");
        alone.elect("a");
        long remove = alone.changeConfiguration("a", Kind.REMOVE, "a");
        alone.flush();
        assertThat(alone.completions.get(remove).result().status()).isEqualTo(RaftOperationStatus.TooFewVoters);
    }

    @Test
    void changesOfAMemberThatIsNotThereAreRefusedAndRepeatsAnswerTheSame() {
        withCaughtUpLearner();
        assertThat(status(net.changeConfiguration("a", Kind.REMOVE, "z"))).isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(status(net.changeConfiguration("a", Kind.PROMOTE, "z"))).isEqualTo(RaftOperationStatus.NotAMember);
        long again = net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        assertThat(status(again)).as("already a learner").isEqualTo(RaftOperationStatus.Success);
    }

    @Test
    void aFollowerRefusesChanges() {
        net.elect("a");
        long change = net.changeConfiguration("b", Kind.ADD_LEARNER, "d");
        assertThat(status(change)).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
    }

    @Test
    void aTruncatedChangeIsNoLongerInEffect() {
        net.elect("a");
        net.join("d", List.of("a", "b", "c"));
        net.cut("a");
        net.changeConfiguration("a", Kind.ADD_LEARNER, "d");
        net.flush();
        assertThat(net.m("a").configuration().learners()).containsExactly("d");
        net.advance(3 * net.settings.electionMaxMillis());
        String next = net.leader();
        assertThat(next).isIn("b", "c");
        net.propose(next, "x");
        net.deliverAll();
        net.cut.remove("a");
        net.advance(3 * net.settings.heartbeatMillis());
        assertThat(net.m("a").configuration().learners()).as("the new leader's log replaced the change").isEmpty();
        assertThat(net.m("a").lastIndex()).isEqualTo(net.m(next).lastIndex());
    }
}
