package io.kommander.internal.partition;

import java.util.List;

/**
 * The answers of one election (or pre-election) round: which members granted and which refused, the candidate's own
 * vote included. A member answering twice the same way (a duplicated message) counts once.
 *
 * <p>A round names a handful of members, so plain lists do; they exist only while a round is open, since a node's
 * thousands of replicas spend nearly all their time between elections ({@link #forget}).
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class VoteTally {

    private List<String> granted = List.of();
    private List<String> rejected = List.of();

    /**
     * Starts a new round in which {@code self} has voted for itself; null for a candidate that does not vote in the
     * configuration it campaigns under (see {@code Elections#mayCampaign}).
     */
    void start(String self) {
        granted = self == null ? List.of() : List.of(self);
        rejected = List.of();
    }

    /** Records {@code voter}'s answer. */
    void record(String voter, boolean grant) {
        if (grant) {
            granted = MemberSets.with(granted, voter);
        } else {
            rejected = MemberSets.with(rejected, voter);
        }
    }

    /** Where the round stands. */
    Quorum.VoteResult result(Quorum quorum) {
        return quorum.voteResult(granted.size(), rejected.size());
    }

    /** The round is over (won or given up): its answers count for nothing any more. */
    void forget() {
        granted = List.of();
        rejected = List.of();
    }
}
