package io.kommander.internal.node;

import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartition;

import java.util.Set;

/**
 * The node package's test seams, public so that the simulator reaches what main keeps package-private: a node's
 * partitions, and planting known bugs in all of them. It ships only in the test-jar, so production code cannot
 * call it.
 */
public final class NodeSeams {

    private NodeSeams() {
    }

    /**
     * Plants {@code bugs} in every partition the node opens, and the node-level ones in the node; call before
     * {@link RaftNode#joinCluster()}.
     */
    public static void plant(RaftNode node, Set<PartitionSeams.Bug> bugs) {
        node.beforePartitionStarts(partition -> bugs.forEach(bug -> PartitionSeams.plant(partition, bug)));
        if (bugs.contains(PartitionSeams.Bug.ROSTER_PROMOTES_EARLY)) {
            node.membershipForTests().plantEarlyPromotion();
        }
        if (bugs.contains(PartitionSeams.Bug.REBALANCE_REMOVES_BEFORE_CATCH_UP)) {
            node.membershipForTests().plantRemovalFirst();
        }
        if (bugs.contains(PartitionSeams.Bug.MOVE_OVERLAPS_ADD_FIRST)) {
            node.membershipForTests().plantAddFirst();
        }
        if (bugs.contains(PartitionSeams.Bug.CREATED_FROM_OWN_PEERS)) {
            node.replicasForTests().plantOwnPeers();
        }
        if (bugs.contains(PartitionSeams.Bug.BALANCER_HOLDS_MOVES_TO_LEAVERS)) {
            io.kommander.internal.system.SystemSeams.plantHoldsMovesToLeavers(node.balancerForTests());
        }
        if (bugs.contains(PartitionSeams.Bug.SPLIT_HALVES_ON_EVERY_MEMBER)) {
            io.kommander.internal.system.SystemSeams.plantSplitHalvesEverywhere(node.coordinator());
        }
        if (bugs.contains(PartitionSeams.Bug.REMOVAL_NOTICE_UNCHECKED)) {
            node.removalsForTests().plantAnswerAll();
        }
        if (bugs.contains(PartitionSeams.Bug.STRANDED_REPLICA_NEVER_ASKS)) {
            node.removalsForTests().plantNeverAsk();
        }
        if (bugs.contains(PartitionSeams.Bug.REMOVED_PARTITION_QUERY_UNANSWERED)) {
            node.removalsForTests().plantRemovedPartitionsUnanswered();
        }
        if (bugs.contains(PartitionSeams.Bug.COMPACTS_THROUGH_MOVES)) {
            node.compactionHoldForTests().plantIgnored();
        }
        if (bugs.contains(PartitionSeams.Bug.LEAVE_TRUSTS_THE_MAP)) {
            node.membershipForTests().plantLeaveTrustsTheMap();
        }
        if (bugs.contains(PartitionSeams.Bug.SEED_ABSORBED_AT_FIRST_CHUNK)) {
            node.movesForTests().plantAbsorbFirstChunk();
        }
        if (bugs.contains(PartitionSeams.Bug.SURVIVOR_HANDS_OVER_EARLY)) {
            node.movesForTests().plantHandOverBeforeColocation();
        }
        if (bugs.contains(PartitionSeams.Bug.SYSTEM_REMOVAL_IGNORES_OTHERS)) {
            node.membershipForTests().plantSystemRemovalIgnoresOthers();
        }
        if (bugs.contains(PartitionSeams.Bug.LEADER_STAYS_WHILE_LEAVING)) {
            node.membershipForTests().plantLeaderStaysWhileLeaving();
        }
        if (bugs.contains(PartitionSeams.Bug.FOLLOWERS_RELEASE)) {
            node.membershipForTests().plantFollowersRelease();
        }
        if (bugs.contains(PartitionSeams.Bug.CREATE_CALLS_FORGOTTEN)) {
            io.kommander.internal.system.SystemSeams.plantCreateCallsForgotten(node.coordinator());
        }
        if (bugs.contains(PartitionSeams.Bug.JOIN_TRUSTS_OLD_REPLICAS)) {
            node.membershipForTests().plantJoinTrustsOldReplicas();
        }
        if (bugs.contains(PartitionSeams.Bug.FIRST_CONFIGURATION_NEVER_RELEASES)) {
            node.membershipForTests().plantFirstConfigurationsIgnored();
        }
    }

    /** Plants "several membership changes at once" in the node's roster rules (a negative control). */
    public static void plantMergedRosterChanges(RaftNode node) {
        io.kommander.internal.system.SystemSeams.plantMergedChanges(node.coordinator());
    }

    /** Whether the node learned that the roster removed it (its replicas then go once taken out). */
    public static boolean removed(RaftNode node) {
        return node.membershipForTests().removed();
    }

    /** The roster the node has applied, or null before it knows one. */
    public static io.kommander.internal.system.Roster roster(RaftNode node) {
        return node.coordinator().roster();
    }

    /** The node's partition {@code id} (0 is the system partition), or null if it has none (yet). */
    public static RaftPartition partition(RaftNode node, int id) {
        return node.partition(id);
    }
}
