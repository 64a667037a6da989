package io.kommander.internal.partition;

import io.kommander.internal.partition.Quorum.VoteResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumTest {

    @Test
    void majorityIsMoreThanHalfOfTheMembers() {
        assertThat(new Quorum(1).majority()).isEqualTo(1);
        assertThat(new Quorum(2).majority()).isEqualTo(2);
        assertThat(new Quorum(3).majority()).isEqualTo(2);
        assertThat(new Quorum(4).majority()).isEqualTo(3);
        assertThat(new Quorum(5).majority()).isEqualTo(3);
        assertThat(new Quorum(6).majority()).isEqualTo(4);
    }

    @Test
    void isMajorityCountsMembers() {
        Quorum five = new Quorum(5);
        assertThat(five.isMajority(2)).isFalse();
        assertThat(five.isMajority(3)).isTrue();
    }

    @Test
    void quorumNeedsAMember() {
        assertThatThrownBy(() -> new Quorum(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void committedIndexIsTheHighestAMajorityReached() {
        Quorum three = new Quorum(3);
        assertThat(three.committedIndex(new long[] {5, 3, 1})).isEqualTo(3);
        assertThat(three.committedIndex(new long[] {1, 5, 3})).isEqualTo(3);
        assertThat(three.committedIndex(new long[] {7, 7, 0})).isEqualTo(7);
        assertThat(new Quorum(1).committedIndex(new long[] {4})).isEqualTo(4);
    }

    @Test
    void committedIndexOfAnEvenGroupNeedsMoreThanHalf() {
        Quorum four = new Quorum(4);
        assertThat(four.committedIndex(new long[] {5, 5, 1, 1})).isEqualTo(1);
        assertThat(four.committedIndex(new long[] {5, 5, 5, 1})).isEqualTo(5);
    }

    @Test
    void committedIndexLeavesInputUntouched() {
        long[] matches = {5, 3, 1};
        new Quorum(3).committedIndex(matches);
        assertThat(matches).containsExactly(5, 3, 1);
    }

    @Test
    void everyMemberVotesSoCommittedIndexNeedsOneIndexPerMember() {
        // No learners: an index that is not a member's, or a missing member, is a caller's bug.
        assertThatThrownBy(() -> new Quorum(3).committedIndex(new long[] {5, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Quorum(3).committedIndex(new long[] {5, 3, 1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void singleMemberWinsWithItsOwnVote() {
        assertThat(new Quorum(1).voteResult(1, 0)).isEqualTo(VoteResult.WON);
    }

    @Test
    void oddGroupVoteResults() {
        Quorum three = new Quorum(3);
        assertThat(three.voteResult(1, 0)).isEqualTo(VoteResult.PENDING);
        assertThat(three.voteResult(1, 1)).isEqualTo(VoteResult.PENDING);
        assertThat(three.voteResult(2, 0)).isEqualTo(VoteResult.WON);
        assertThat(three.voteResult(1, 2)).isEqualTo(VoteResult.LOST);
        Quorum five = new Quorum(5);
        assertThat(five.voteResult(2, 2)).isEqualTo(VoteResult.PENDING);
        assertThat(five.voteResult(3, 2)).isEqualTo(VoteResult.WON);
        assertThat(five.voteResult(1, 3)).isEqualTo(VoteResult.LOST);
    }

    @Test
    void evenGroupIsLostOnceHalfRefuse() {
        // Of four members, two refusals leave at most two grants: a majority (three) is out of reach.
        Quorum four = new Quorum(4);
        assertThat(four.voteResult(1, 1)).isEqualTo(VoteResult.PENDING);
        assertThat(four.voteResult(2, 1)).isEqualTo(VoteResult.PENDING);
        assertThat(four.voteResult(1, 2)).isEqualTo(VoteResult.LOST);
        assertThat(four.voteResult(2, 2)).isEqualTo(VoteResult.LOST);
        assertThat(four.voteResult(3, 1)).isEqualTo(VoteResult.WON);
        Quorum two = new Quorum(2);
        assertThat(two.voteResult(1, 0)).isEqualTo(VoteResult.PENDING);
        assertThat(two.voteResult(1, 1)).isEqualTo(VoteResult.LOST);
        assertThat(two.voteResult(2, 0)).isEqualTo(VoteResult.WON);
    }
}
