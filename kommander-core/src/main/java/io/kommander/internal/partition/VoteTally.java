package io.kommander.internal.partition;

import java.util.HashSet;
import java.util.Set;

/**
 * The answers of one election (or pre-election) round: which members granted and which refused, the candidate's own
 * vote included. A member answering twice the same way (a duplicated message) counts once.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class VoteTally {

    private final Set<String> granted = new HashSet<>();
    private final Set<String> rejected = new HashSet<>();

    /**
     * Starts a new round in which {@code self} has voted for itself; null for a candidate that does not vote in the
     * configuration it campaigns under (see {@code Elections#mayCampaign}).
     */
    void start(String self) {
        granted.clear();
        rejected.clear();
        if (self != null) {
            granted.add(self);
        }
    }

    /** Records {@code voter}'s answer. */
    void record(String voter, boolean grant) {
        (grant ? granted : rejected).add(voter);
    }

    /** Where the round stands. */
    Quorum.VoteResult result(Quorum quorum) {
        return quorum.voteResult(granted.size(), rejected.size());
    }
}
