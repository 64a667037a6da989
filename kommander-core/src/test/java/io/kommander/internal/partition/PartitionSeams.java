package io.kommander.internal.partition;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The partition package's test seams, public so that tests in other packages (the simulator) reach what main keeps
 * package-private: planting known bugs (named by {@link Bug}) and reading a partition's state machine. It ships
 * only in the test-jar, so production code cannot call it.
 */
public final class PartitionSeams {

    /** The known-wrong behaviours a negative control can plant: one per (package-private) PlantedBug, same name. */
    public enum Bug {
        /** See PlantedBug#VOTE_WITHOUT_LOG_CHECK. */
        VOTE_WITHOUT_LOG_CHECK,
        /** See PlantedBug#COMMIT_OLD_TERM_BY_COUNTING. */
        COMMIT_OLD_TERM_BY_COUNTING,
        /** See PlantedBug#LEARNER_COUNTS_IN_QUORUM. */
        LEARNER_COUNTS_IN_QUORUM,
        /** See PlantedBug#TWO_CHANGES_AT_ONCE. */
        TWO_CHANGES_AT_ONCE,
        /** See PlantedBug#ADOPT_IMPLAUSIBLE_TERM. */
        ADOPT_IMPLAUSIBLE_TERM,
        /** See PlantedBug#ACK_BEFORE_SYNC. */
        ACK_BEFORE_SYNC,
        /** See PlantedBug#SKIP_ANCHOR_CHECK. */
        SKIP_ANCHOR_CHECK,
        /** See PlantedBug#DELIVER_BEFORE_DURABLE. */
        DELIVER_BEFORE_DURABLE,
        /** See PlantedBug#TRANSFER_SUCCESS_EARLY. */
        TRANSFER_SUCCESS_EARLY,
        /** See PlantedBug#RESTORE_SKIPS_FIRST. */
        RESTORE_SKIPS_FIRST,
        /** See PlantedBug#REPORT_APPENDED_AS_NOT_APPENDED. */
        REPORT_APPENDED_AS_NOT_APPENDED,
        /** See PlantedBug#IGNORE_REQUEST_IDS. */
        IGNORE_REQUEST_IDS,
        /** See PlantedBug#FRESH_REPLICA_VOTES. */
        FRESH_REPLICA_VOTES,
        /** See PlantedBug#ACCEPT_CORRUPT_SNAPSHOT. */
        ACCEPT_CORRUPT_SNAPSHOT,
        /** See PlantedBug#PROMOTE_BEFORE_CAUGHT_UP. */
        PROMOTE_BEFORE_CAUGHT_UP,
        /** See PlantedBug#ROSTER_PROMOTES_EARLY. */
        ROSTER_PROMOTES_EARLY,
        /** See PlantedBug#DRAINING_TAKES_WRITES. */
        DRAINING_TAKES_WRITES,
        /** See PlantedBug#SPLIT_SOURCE_TAKES_OLD_WRITES. */
        SPLIT_SOURCE_TAKES_OLD_WRITES,
        /** See PlantedBug#MERGE_ADJACENT_TAKES_WRITES. */
        MERGE_ADJACENT_TAKES_WRITES,
        /** See PlantedBug#QUIESCED_FOLLOWER_IGNORES_DEAD_LEADER. */
        QUIESCED_FOLLOWER_IGNORES_DEAD_LEADER,
        /** See PlantedBug#REBALANCE_REMOVES_BEFORE_CATCH_UP. */
        REBALANCE_REMOVES_BEFORE_CATCH_UP,
        /** See PlantedBug#MOVE_OVERLAPS_ADD_FIRST. */
        MOVE_OVERLAPS_ADD_FIRST,
        /** See PlantedBug#CREATED_FROM_OWN_PEERS. */
        CREATED_FROM_OWN_PEERS,
        /** See PlantedBug#SPLIT_HALVES_ON_EVERY_MEMBER. */
        SPLIT_HALVES_ON_EVERY_MEMBER,
        /** See PlantedBug#REMOVAL_NOTICE_UNCHECKED. */
        REMOVAL_NOTICE_UNCHECKED,
        /** See PlantedBug#STRANDED_REPLICA_NEVER_ASKS. */
        STRANDED_REPLICA_NEVER_ASKS,
        /** See PlantedBug#CAMPAIGNS_IGNORE_ORDER. */
        CAMPAIGNS_IGNORE_ORDER,
        /** See PlantedBug#HEARTBEATS_SKIPPED_FOR_GOOD. */
        HEARTBEATS_SKIPPED_FOR_GOOD,
        /** See PlantedBug#FRESH_REPLICAS_STAND_TOGETHER. */
        FRESH_REPLICAS_STAND_TOGETHER,
        /** See PlantedBug#REMOVED_PARTITION_QUERY_UNANSWERED. */
        REMOVED_PARTITION_QUERY_UNANSWERED,
        /** See PlantedBug#COMPACTS_THROUGH_MOVES. */
        COMPACTS_THROUGH_MOVES,
        /** See PlantedBug#LEADER_STAYS_WHILE_LEAVING. */
        LEADER_STAYS_WHILE_LEAVING,
        /** See PlantedBug#SNAPSHOT_RESENT_WITHOUT_BACKOFF. */
        SNAPSHOT_RESENT_WITHOUT_BACKOFF,
        /** See PlantedBug#LEAVE_TRUSTS_THE_MAP. */
        LEAVE_TRUSTS_THE_MAP,
        /** See PlantedBug#SEED_ABSORBED_AT_FIRST_CHUNK. */
        SEED_ABSORBED_AT_FIRST_CHUNK,
        /** See PlantedBug#MOVE_HISTORY_FORGOTTEN. */
        MOVE_HISTORY_FORGOTTEN,
        /** See PlantedBug#SNAPSHOT_REPLACED_MID_TRANSFER. */
        SNAPSHOT_REPLACED_MID_TRANSFER,
        /** See PlantedBug#FIRST_CONFIGURATION_NEVER_RELEASES. */
        FIRST_CONFIGURATION_NEVER_RELEASES,
        /** See PlantedBug#BALANCER_HOLDS_MOVES_TO_LEAVERS. */
        BALANCER_HOLDS_MOVES_TO_LEAVERS,
        /** See PlantedBug#CREATE_CALLS_FORGOTTEN. */
        CREATE_CALLS_FORGOTTEN,
        /** See PlantedBug#FOLLOWERS_RELEASE. */
        FOLLOWERS_RELEASE,
        /** See PlantedBug#EMPTY_REPLICA_VOTES. */
        EMPTY_REPLICA_VOTES,
        /** See PlantedBug#SURVIVOR_HANDS_OVER_EARLY. */
        SURVIVOR_HANDS_OVER_EARLY,
        /** See PlantedBug#FRESH_PRE_VOTE_ASKED_ONCE. */
        FRESH_PRE_VOTE_ASKED_ONCE,
        /** See PlantedBug#RESTORED_ONLY_THROUGH_STORED_COMMIT. */
        RESTORED_ONLY_THROUGH_STORED_COMMIT,
        /** See PlantedBug#STALE_READ_SENT_PAST_COMPACTION. */
        STALE_READ_SENT_PAST_COMPACTION,
        /** See PlantedBug#SYSTEM_REMOVAL_IGNORES_OTHERS. */
        SYSTEM_REMOVAL_IGNORES_OTHERS,
        /** See PlantedBug#JOIN_TRUSTS_OLD_REPLICAS. */
        JOIN_TRUSTS_OLD_REPLICAS;

        PlantedBug planted() {
            return PlantedBug.valueOf(name());
        }
    }

    private PartitionSeams() {
    }

    /** The move entries and seeds of a log holding {@code entries}, as a replica follows them when appended. */
    public static PartitionMoves moves(io.kommander.wal.LogEntry... entries) {
        PartitionMoves moves = new PartitionMoves();
        for (io.kommander.wal.LogEntry entry : entries) {
            moves.appended(entry);
        }
        return moves;
    }

    /** Switches {@code bug} on in the partition's state machine, now and after every restore. */
    public static void plant(RaftPartition partition, Bug bug) {
        partition.plant(bug.planted());
    }

    /** Runs a read-only query against the partition's state machine on its executor. */
    public static <T> CompletableFuture<T> inspect(RaftPartition partition,
                                                   Function<RaftPartitionStateMachine, T> query) {
        return partition.inspect(query);
    }
}
