package io.kommander.internal.partition;

import io.kommander.internal.partition.Quorum.VoteResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VoteTallyTest {

    @Test
    void candidateCountsItsOwnVote() {
        VoteTally tally = new VoteTally();
        tally.start("a");
        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.PENDING);
        tally.record("b", true);
        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.WON);
    }

    @Test
    void duplicatedAnswerCountsOnce() {
        VoteTally tally = new VoteTally();
        tally.start("a");
        tally.record("b", false);
        tally.record("b", false);
        tally.record("b", false);
        assertThat(tally.result(new Quorum(5))).isEqualTo(VoteResult.PENDING);
        tally.record("c", false);
        tally.record("d", false);
        assertThat(tally.result(new Quorum(5))).isEqualTo(VoteResult.LOST);
    }

    @Test
    void startForgetsThePreviousRound() {
        VoteTally tally = new VoteTally();
        tally.start("a");
        tally.record("b", false);
        tally.record("c", false);
        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.LOST);
        tally.start("a");
        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.PENDING);
    }

    @Test
    void forgottenRoundCountsNoAnswer() {
        VoteTally tally = new VoteTally();
        tally.start("a");
        tally.record("b", true);

        tally.forget();

        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.PENDING);
        tally.record("b", false);
        tally.record("c", false);
        assertThat(tally.result(new Quorum(3))).isEqualTo(VoteResult.LOST);
    }
}
