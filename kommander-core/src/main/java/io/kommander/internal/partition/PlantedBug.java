package io.kommander.internal.partition;

/**
 * Known-wrong behaviours that the deterministic simulator's negative controls switch on, one at a time, to prove
 * that its checkers catch real safety bugs. Each one breaks Raft on purpose, so it stays package-private: only test
 * sources reach it, through {@code PartitionSeams} and {@code NodeSeams} (in the test-jar).
 */
enum PlantedBug {
    /** Grant votes without checking that the candidate's log is at least as up to date. */
    VOTE_WITHOUT_LOG_CHECK,
    /** Commit an entry of an older term by counting its replicas (Raft paper figure 8). */
    COMMIT_OLD_TERM_BY_COUNTING,
    /** Count learners' match indices toward the commit quorum. */
    LEARNER_COUNTS_IN_QUORUM,
    /** Accept a configuration change while an earlier one is not committed. */
    TWO_CHANGES_AT_ONCE,
    /** Adopt any term a message carries, however implausible (no bound on how far ahead it may be). */
    ADOPT_IMPLAUSIBLE_TERM,
    /** Acknowledge AppendLogs before the entries are durable. */
    ACK_BEFORE_SYNC,
    /** Accept AppendLogs whose (prevLogIndex, prevLogTerm) anchor does not match the local log. */
    SKIP_ANCHOR_CHECK,
    /** Deliver committed entries before they are durable in the local log. */
    DELIVER_BEFORE_DURABLE,
    /** Answer a leadership transfer Success at once, before the target leads. */
    TRANSFER_SUCCESS_EARLY,
    /** Leave the first entry a restore would replay out of onLogRestored (a gap at the start of a lifetime). */
    RESTORE_SKIPS_FIRST,
    /**
     * Fail the writes in flight of a leader that loses leadership as definitely not appended (NodeIsNotLeader),
     * though the next leader may commit them.
     */
    REPORT_APPENDED_AS_NOT_APPENDED,
    /** Ignore client request ids: append every retry and deliver every entry (no idempotent writes). */
    IGNORE_REQUEST_IDS,
    /** Let a replica of a node that lost its data vote and campaign at once, before it caught up. */
    FRESH_REPLICA_VOTES,
    /** Take snapshot chunks, and the whole snapshot, without checking their CRC32C: a corrupt snapshot installs. */
    ACCEPT_CORRUPT_SNAPSHOT,
    /** Promote a learner to voter without checking that it holds everything committed. */
    PROMOTE_BEFORE_CAUGHT_UP,
    /**
     * Node level (partitions ignore it): a joining or rebuilt node asks the roster to make it a voter as soon as it
     * is a learner, before it caught up on every partition ({@code JoinProcess}).
     */
    ROSTER_PROMOTES_EARLY,
    /** Take writes on a partition the applied partition map says is draining (the fence lets them through). */
    DRAINING_TAKES_WRITES,
    /** Take writes addressed with a generation older than a split entry of the partition's log fences below. */
    SPLIT_SOURCE_TAKES_OLD_WRITES,
    /** Take writes on a merge's adjacent partition after its fences (the map's and its merge entry's). */
    MERGE_ADJACENT_TAKES_WRITES,
    /** Let a quiesced follower sleep on when node-level liveness says its leader's node is dead. */
    QUIESCED_FOLLOWER_IGNORES_DEAD_LEADER,
    /**
     * Node level (partitions ignore it): a placed partition's leader takes out the replica the map moved away before
     * it adds and promotes its replacement ({@code MembershipReconciler}).
     */
    REBALANCE_REMOVES_BEFORE_CATCH_UP,
    /**
     * Node level (partitions ignore it): a placed partition's leader adds a missing replica as a learner at once,
     * however many members its configuration holds, as before {@code ConfigurationAlignment} made room first
     * ({@code MembershipReconciler}): a partition moved again before its first move ended, or co-located for a merge,
     * holds R + 2 members or more.
     */
    MOVE_OVERLAPS_ADD_FIRST,
    /**
     * Node level (partitions ignore it): a partition created online opens from this node's configured members, not
     * from its first voters as partition 0's log records them ({@code NodeReplicas}), so two nodes may start it from
     * different configurations.
     */
    CREATED_FROM_OWN_PEERS,
    /**
     * Node level (partitions ignore it): a split's new half is placed on every member while the split runs, as before
     * it was placed on its source's replicas ({@code PartitionMapRules}): with placement, members that host no replica
     * of the source open it, though only the source's replicas produce the state it starts from.
     */
    SPLIT_HALVES_ON_EVERY_MEMBER,
    /**
     * Node level (partitions ignore it): a member answers every stranded replica's membership query with a removal
     * notice, whatever its committed configuration holds, and a stranded replica takes any notice as proof that it
     * was taken out, whatever configuration it holds ({@code ReplicaRemovals}): a replica the map moves away deletes
     * its data before its leader took it out.
     */
    REMOVAL_NOTICE_UNCHECKED,
    /**
     * Node level (partitions ignore it): a replica the map moved away never asks whether it was taken out
     * ({@code ReplicaRemovals}), as before such queries existed: one taken out while it was cut off stays open, with
     * its data, for ever. A liveness control.
     */
    STRANDED_REPLICA_NEVER_ASKS,
    /**
     * Ignore the campaign order ({@code CampaignOrder}): election timeouts drawn from the whole range, pre-votes granted
     * whoever else stands, no successor hurried when its leader's node dies. Safe, but two replicas that lost their
     * leader together split the vote again: the one liveness control among these safety ones.
     */
    CAMPAIGNS_IGNORE_ORDER,
    /**
     * Skip a follower's heartbeats for good once it was sent one AppendLogs with entries, where the leader skips only
     * the next round's: a follower of a partition that falls idle (and has not quiesced) hears nothing, its election
     * timer fires and a leader that never failed is replaced.
     */
    HEARTBEATS_SKIPPED_FOR_GOOD,
    /**
     * At a cluster's first start (or a partition's creation) every fresh replica stands at once, not only the first in
     * the campaign order, and skips the pre-vote (no leader exists to disrupt, one might think): the fresh replicas of
     * a partition split the vote, and the first leader needs a second election. A liveness control, like the one above.
     */
    FRESH_REPLICAS_STAND_TOGETHER,
    /**
     * Node level (partitions ignore it): a member whose map removed a partition leaves a query about it unanswered
     * ({@code ReplicaRemovals}), as before such answers existed: a node the roster removed, which applies no map any
     * more, keeps its replica of a partition removed after its removal, with its data, for ever. A liveness control.
     */
    REMOVED_PARTITION_QUERY_UNANSWERED,
    /**
     * Node level (partitions ignore it): replicas snapshot and compact through a split or merge under way
     * ({@code MoveCompactionHold} holds nothing), as before the hold existed: once every replica of the source has
     * restarted from a snapshot past the move entry, no node holds the seed and the move never finishes. A liveness
     * control.
     */
    COMPACTS_THROUGH_MOVES,
    /**
     * Node level (partitions ignore it): a leaving node keeps leading the placed partitions its own map still puts on
     * it ({@code MembershipReconciler}), as before it handed them over: once partition 0 has taken it out, its map
     * never learns that their replicas moved off it, and no one else can make those moves. A liveness control.
     */
    LEADER_STAYS_WHILE_LEAVING,
    /**
     * Send an unanswered snapshot chunk again every two heartbeats however long the follower stays silent: a follower
     * that is down (still in a partition's configuration) takes the node's whole snapshot budget when the budget is
     * small, and a live learner waiting for the same partition's snapshot never gets a chunk, so it never catches up
     * and is never promoted. A liveness control.
     */
    SNAPSHOT_RESENT_WITHOUT_BACKOFF,
    /**
     * Node level (partitions ignore it): partition 0's leader ends a leave without asking the partitions it does not
     * host ({@code LeaveReleases}), trusting the map, as before it asked: a move takes the member out of a partition's
     * placement at once while the partition's leader keeps it a voter until its replacement caught up, so the roster
     * may remove a member that partition still needs (sim seed 810: two members removed so, and the partition never
     * had a leader again).
     */
    LEAVE_TRUSTS_THE_MAP,
    /**
     * Node level (partitions ignore it): a taking replica absorbs a split's or merge's seed when its first chunk
     * applies, as if that chunk were the whole state ({@code NodeMoves}), instead of when the last chunk of the
     * sequence does: a seed larger than {@code maxEntryBytes} loses every moved key past its first chunk.
     */
    SEED_ABSORBED_AT_FIRST_CHUNK,
    /**
     * A replica rebuilt from a compaction point or a snapshot forgets the moves its log held before it
     * ({@link MoveHistory} not restored), as before histories were kept: a move entry appended again by a leader whose
     * map is stale is a new move to a rebuilt replica and a repeat to the others (sim seed 1272: a split's keys
     * dropped again on two replicas after the split and a merge back had finished).
     */
    MOVE_HISTORY_FORGOTTEN,
    /**
     * A leader takes newer snapshots while it sends one to a follower that answers, and sends each newer one from its
     * start: a follower that needs longer to receive a snapshot than the leader takes between two never catches up.
     * A liveness control.
     */
    SNAPSHOT_REPLACED_MID_TRANSFER,
    /**
     * A partition's leader whose configuration no entry holds (index 0: the partition never changed its configuration)
     * does not answer partition 0's leader's release query about a leaving member, as before seed 2196: no replica of
     * such a partition may answer, and the leave never ends. Node level (planted in {@code LeaveReleases}); a liveness
     * control.
     */
    FIRST_CONFIGURATION_NEVER_RELEASES,
    /**
     * Node level (partitions ignore it): partition 0's leader keeps counting a balancer step under way while the
     * member it brings in is leaving, as before seed 24708: that member's node may never open the new replica (it
     * stopped following partition 0), so the learner never catches up, the partition is never moved off the leaving
     * member, and the leave never ends ({@code ReplicaBalancer}). A liveness control.
     */
    BALANCER_HOLDS_MOVES_TO_LEAVERS,
    /**
     * Partition 0's log does not remember which call made a created partition, as before: a create retried against
     * a new partition 0 leader after its first attempt committed makes a second partition. Node level (planted in
     * {@code MapCalls}; a split or merge retried after its first attempt finished is refused too).
     */
    CREATE_CALLS_FORGOTTEN,
    /**
     * A partition's follower or learner, not only its leader, proves that it let a leaving member go (it answers
     * partition 0's leader's release query, and partition 0's leader trusts its own replicas alike), as before seed
     * 7656: a replica whose log ends before the entry that added the member shows a configuration without it, and the
     * roster removes the member while the partition still counts it a voter. Node level (planted in
     * {@code LeaveReleases}).
     */
    FOLLOWERS_RELEASE,
    /**
     * A replica that joins its partition with nothing stored (as one the map placed back on a node that deleted it
     * before) votes at once, as before seed 13410: its empty log grants any candidate its vote, and a candidate whose
     * configuration predates a move wins without a committed entry. Caught by the leader completeness check.
     */
    EMPTY_REPLICA_VOTES,
    /**
     * Node level (partitions ignore it): a merge's survivor leader that holds no seed hands its leadership round
     * while the adjacent's voters still differ from its own, as before seed 936: each hand-over restarts the snapshot
     * that brings the survivor's newcomer in, so the survivor never gets the adjacent's voters and the merge never
     * ends ({@code NodeMoves}). A liveness control.
     */
    SURVIVOR_HANDS_OVER_EARLY,
    /**
     * A fresh replica first in the campaign order asks for pre-votes once and then waits a whole election timeout, as
     * before seed 14414: peers that were still restoring the partition dropped its request, the next replica in the
     * order stands and wins, and the leader preference hands leadership back: two elections at a cold start.
     */
    FRESH_PRE_VOTE_ASKED_ONCE,
    /**
     * A restore counts as already delivered only the entries up to the stored commit index, and hands the entries
     * past it that were in the log at the restart to onReplicationReceived once they are known committed: but the
     * stored commit index lags what was delivered (it is written with a partition's next write, or two ticks later),
     * so an entry delivered before a crash is delivered again. Caught by the at-most-once delivery check.
     */
    RESTORED_ONLY_THROUGH_STORED_COMMIT,
    /**
     * A leader sends the entries a catch-up read brought back from the WAL though the log was compacted past them
     * while the read ran, as before seed 57187: the entry before them is compacted, so the message carries an
     * unknown previous term (-1) where a snapshot was due. Caught by the leader completeness check.
     */
    STALE_READ_SENT_PAST_COMPACTION,
    /**
     * Node level (partitions ignore it): partition 0's leader takes a leaving member out of partition 0 once no
     * replica it hosts shows the member, without asking the partitions it cannot watch, as before seed 67632
     * ({@code MembershipReconciler}): a leaving member that leads such a partition and missed its leave never learns
     * it, never hands that partition over, and the leave never ends.
     */
    SYSTEM_REMOVAL_IGNORES_OTHERS,
    /**
     * Node level (partitions ignore it): a joining node takes its replicas' lasting verification mark and the
     * roster as it applied it for proof that it caught up, as before seeds 67282 and 81800 ({@code JoinProcess}): a
     * node the roster removed while it was down joins again, and its old configurations, which still name it a
     * voter, make it ask for promotion before its partitions added it again.
     */
    JOIN_TRUSTS_OLD_REPLICAS
}
