package io.kommander.internal.partition;

import java.util.Set;

/**
 * Whether a replica may take part in elections (vote, pre-vote, campaign), for a replica of a node that lost its
 * data. Such a node restarts with term 0 and no vote: it cannot remember the terms it voted in, nor the entries it
 * acknowledged, so until it has caught up its vote could elect a second leader in a term or a leader that lacks
 * committed entries. It starts <em>unverified</em> and becomes <em>verified</em> once it holds a leader's log up to
 * that leader's commit index, counted only when the entry there has the leader's current term: a new leader's
 * inherited commit index may be behind what earlier leaders committed, while an entry of its own term at its commit
 * index proves that every entry committed before lies at or below it (leader completeness). Holding an entry of the
 * leader's term also means it refuses every candidate of that term (their logs end in older terms).
 *
 * <p>Replicas of a node that did not lose its data, and of a node that decided this is the cluster's first start,
 * are verified from the beginning. Apart from that lasting mark, the replica also knows whether it has held a leader's
 * log so since it was opened ({@link #confirmedSinceOpened()}): a node that joins again after the roster removed it
 * keeps its old replicas, verified long ago, whose configurations may predate its removal.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class ReplicaVerification {

    private final Set<PlantedBug> plantedBugs;
    private boolean verified = true;
    /** Held a leader's log up to that leader's commit index (of its term) since this replica was opened. */
    private boolean confirmed;

    ReplicaVerification(Set<PlantedBug> plantedBugs) {
        this.plantedBugs = plantedBugs;
    }

    /** Whether the replica may vote, pre-vote and campaign. */
    boolean mayElect() {
        return verified || plantedBugs.contains(PlantedBug.FRESH_REPLICA_VOTES);
    }

    /** Whether the replica has been verified (regardless of planted bugs). */
    boolean verified() {
        return verified;
    }

    /**
     * Whether, since this replica was opened, it has held a leader's log up to that leader's commit index, the entry
     * there of the leader's term: its log up to there, and so its configuration as of then, is a current leader's.
     */
    boolean confirmedSinceOpened() {
        return confirmed;
    }

    /**
     * Forgets that the replica held a leader's log so far: {@link #confirmedSinceOpened()} is false until a leader's
     * log confirms it again (a node joining again asks it, so that only configurations written after its join count).
     */
    void forgetConfirmation() {
        confirmed = false;
    }

    /** The replica starts unverified: its node lost its data. */
    void startUnverified() {
        verified = false;
    }

    /**
     * The replica joins its partition with nothing stored: no entry, no snapshot, no term. This node may have held it
     * before (the map placed the partition away, the replica was deleted with its log, term and vote, and the map
     * placed it back), so it may not vote until a leader's log verifies it: with an empty log it would grant any
     * candidate its vote, one whose log misses committed entries included, in a configuration old enough to count
     * it (sim seed 13410: such a replica and a restarted one whose configuration predated the move elected a leader
     * without a committed entry).
     */
    void startUnverifiedEmpty() {
        if (!plantedBugs.contains(PlantedBug.EMPTY_REPLICA_VOTES)) {
            verified = false;
        }
    }

    /**
     * The leader quiesced with this log matching its whole log, all committed, up to {@code index}: confirms the
     * replica as a heartbeat at that commit index would if the entry there has the leader's term (a replica that
     * forgot its confirmation while awake may hear nothing else before its partition sleeps). Only confirms: the
     * lasting verification mark comes from AppendLogs as before.
     */
    void quiesceHeld(long leaderTerm, long index, PartitionLog log) {
        if (!confirmed && holdsLeaderCommit(leaderTerm, index, index, log)) {
            confirmed = true;
        }
    }

    /** The node decided this is the cluster's first start: nothing was ever committed, so nothing can be missing. */
    void verify() {
        verified = true;
    }

    /**
     * A leader's AppendLogs was accepted: this log now matches the leader's through {@code lastMatching}. Verifies
     * (and confirms) the replica if that covers the leader's commit index and the entry there has the leader's term.
     *
     * @return whether this call verified the replica
     */
    boolean leaderLogHeld(long leaderTerm, long leaderCommit, long lastMatching, PartitionLog log) {
        if (confirmed || !holdsLeaderCommit(leaderTerm, leaderCommit, lastMatching, log)) {
            return false;
        }
        confirmed = true;
        boolean wasVerified = verified;
        verified = true;
        return !wasVerified;
    }

    /**
     * The one proof both marks rest on: this log matches the leader's through {@code lastMatching}, which covers the
     * leader's commit index, and the entry there has the leader's term.
     */
    private static boolean holdsLeaderCommit(long leaderTerm, long leaderCommit, long lastMatching, PartitionLog log) {
        return leaderCommit > 0 && leaderCommit <= lastMatching && log.termAt(leaderCommit) == leaderTerm;
    }
}
