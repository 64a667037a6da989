package io.kommander.internal.partition;

import java.util.Arrays;

/**
 * Majority arithmetic over one partition's voting members (as etcd's {@code quorum/majority.go}): the index a
 * majority has reached, whether enough members are alive, and whether an election is won, lost or still open.
 * Every member votes; there are no learners. Immutable.
 */
final class Quorum {

    /** Where an election stands, as etcd's {@code VoteResult}. */
    enum VoteResult {
        /** A majority granted. */
        WON,
        /** So many refused that a majority can no longer grant, whatever the others answer. */
        LOST,
        /** Neither yet: more answers are needed. */
        PENDING
    }

    private final int members;

    /**
     * A quorum over {@code members} voting members, this replica included.
     *
     * @throws IllegalArgumentException if {@code members} is below 1
     */
    Quorum(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("a quorum needs at least one member: " + members);
        }
        this.members = members;
    }

    int members() {
        return members;
    }

    /** The number of members that make a majority. */
    int majority() {
        return members / 2 + 1;
    }

    /** Whether {@code count} members are a majority. */
    boolean isMajority(int count) {
        return count >= majority();
    }

    /**
     * The highest index that a majority of members has reached.
     *
     * @param matchIndices one index per member
     * @throws IllegalArgumentException if there is not exactly one index per member
     */
    long committedIndex(long[] matchIndices) {
        if (matchIndices.length != members) {
            throw new IllegalArgumentException(matchIndices.length + " match indices for " + members + " members");
        }
        long[] sorted = matchIndices.clone();
        Arrays.sort(sorted);
        return sorted[members - majority()];
    }

    /** The state of an election in which {@code granted} members granted and {@code rejected} refused. */
    VoteResult voteResult(int granted, int rejected) {
        if (granted >= majority()) {
            return VoteResult.WON;
        }
        // Even if every member yet to answer grants, a majority is out of reach.
        if (members - rejected < majority()) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }
}
