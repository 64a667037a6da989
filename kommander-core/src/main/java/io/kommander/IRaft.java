package io.kommander;

import io.kommander.time.HLCTimestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Kommander node: a member of a multi-partition Raft cluster. Create one with {@link RaftManager#builder()}.
 *
 * <p>Partition ids: 0 is the system partition (internal); user partitions are 1..{@link #partitionCount()} until
 * partitions are created or removed online ({@link #getPartitionMap()} lists them).
 * Every method is thread-safe and non-blocking (except {@link #close()} called from the application's own
 * threads): anything that waits returns a {@link CompletableFuture}.
 *
 * <p>Threads. Listeners run on the partition's executor, so they see a partition's events in order and must not
 * block. Returned futures never complete on a partition executor: they complete on the callback executor (by
 * default one thread of the runtime, see {@link io.kommander.runtime.IRaftRuntime#callbackExecutor()}; the builder
 * can supply another), so their non-async stages run there, in the order the partitions answered, and their async
 * stages without an executor run there too. Waiting on such a future ({@code join}, {@code get}) from a
 * listener or from a stage on the callback executor throws {@link IllegalStateException} at once: the answer may
 * need the very thread that waits. Compose instead.
 *
 * <p>After {@link #close()}, operations complete with {@link RaftOperationStatus#NodeClosed}.
 */
public interface IRaft extends AutoCloseable {

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the node: the transport, the system partition and every user partition, each restoring from the WAL.
     * At the first start on a WAL, it first stores the node's incarnation in it (one synced write, on the calling
     * thread). A node that starts on an empty WAL may have lost its data: its partitions vote only once caught up, or
     * once a majority of the members report that none of them holds data (the cluster's first start; see
     * {@code docs/membership.md}).
     * With {@link RaftConfiguration#joinExisting()}, the node also joins the running cluster its discovery list
     * names: it asks to be added to the roster as a learner, receives every partition's log, and asks to be promoted
     * once it has caught up (see {@code docs/membership.md}).
     *
     * @return completes when every partition has restored and the node takes part in the cluster (the first time
     *         a cluster starts, once a quorum has agreed on the partition ranges; when joining, once the roster names
     *         this node a voter); fails with a {@link RaftConfigurationException} naming both nodes if a peer and
     *         this node disagree on who they are (cluster id, node id, member list, partition count, or a member's
     *         endpoint), and with an {@link IllegalStateException} naming the status if the join is refused
     */
    CompletableFuture<Void> joinCluster();

    /**
     * Removes this node from the cluster ({@link #removeMember} of its own endpoint: the partitions it leads are
     * handed over, every partition takes it out of its configuration, then the roster), then closes the node
     * ({@link #closeAsync()}) once removed. Never waits on a partition executor, so it may be called from anywhere,
     * listeners included.
     *
     * @return the outcome, as {@link #removeMember}'s; the node closes only on {@link RaftOperationStatus#Success}
     *         and goes on as a member otherwise
     */
    CompletableFuture<RaftOperationStatus> leaveCluster();

    /**
     * Removes a member from the cluster, from any node: the roster marks it leaving, the partitions it leads are
     * handed over, every partition's leader takes it out of its configuration, and then the roster removes it. One
     * membership change at a time: while another member joins or leaves, the request is refused.
     *
     * @param endpoint the member's {@code host:port}
     * @return {@link RaftOperationStatus#Success} once the roster has removed it; else
     *         {@link RaftOperationStatus#NotAMember}, {@link RaftOperationStatus#TooFewVoters} (it is the last
     *         voter), {@link RaftOperationStatus#MembershipChangeInProgress} (another change is under way),
     *         {@link RaftOperationStatus#NoLeader} (no leader of the system partition answered within the bound),
     *         {@link RaftOperationStatus#ProposalTimeout} (the leave started but did not end within the bound; it
     *         goes on), {@link RaftOperationStatus#RestoreInProgress} (called before {@link #joinCluster()}), or
     *         {@link RaftOperationStatus#NodeClosed}
     * @throws IllegalArgumentException if {@code endpoint} is null or empty
     */
    CompletableFuture<RaftOperationStatus> removeMember(String endpoint);

    /**
     * The cluster's roster as this node last applied it: its version and every member's node id, endpoint, role and
     * joining version. No waiting: completes at once.
     *
     * @return the membership; {@link Membership#UNKNOWN} (version 0) before this node knows a roster
     */
    CompletableFuture<Membership> getMembership();

    /**
     * Starts closing the node and returns at once: every pending and later call completes with
     * {@link RaftOperationStatus#NodeClosed} (or {@link RaftClosedException}), then the transport, the WAL and the
     * runtime's threads (if the node owns them) are released off the partition executors. Idempotent: every call
     * returns the same future.
     *
     * @return completes once everything is released
     */
    CompletableFuture<Void> closeAsync();

    /**
     * Closes the node ({@link #closeAsync()}). Called from the application's own thread it waits, within a bound,
     * until everything is released; called from a listener or a callback it returns at once (waiting there could
     * wait on itself). Idempotent.
     */
    @Override
    void close();

    // ---------------------------------------------------------------- writes

    /**
     * Replicates one entry and commits it automatically.
     *
     * @param partitionId a user partition
     * @param type        the application's type string, delivered with the entry
     * @param data        the payload (not copied: do not modify it afterwards)
     * @return completes when the entry is committed and delivered on this node (or failed: see the result's
     *         status)
     */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data);

    /**
     * Replicates one entry; with {@code autoCommit=false} it is delivered as {@link RaftLogType#Proposed} and waits
     * for {@link #commitLogs} or {@link #rollbackLogs} with the result's ticket.
     */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                           boolean autoCommit);

    /**
     * Replicates one entry and commits it automatically, at most once per request id: a retry of a request this
     * partition already applied returns the first result (the same index and ticket) without appending again, and
     * a retry of a request whose entry is still on its way completes with it. This holds across leader changes and
     * restarts while the client's session lives; see {@link RequestId} and {@code docs/getting-started.md}.
     *
     * @param partitionId a user partition
     * @param type        the application's type string, delivered with the entry
     * @param data        the payload (not copied: do not modify it afterwards)
     * @param requestId   the client's id of this write; a retry repeats it
     * @return as {@link #replicateLogs(int, String, byte[])}; besides, {@link RaftOperationStatus#SessionExpired} or
     *         {@link RaftOperationStatus#DuplicateTooOld} when the session cannot tell whether the request applied
     */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                           RequestId requestId);

    /**
     * Replicates one entry at most once per request id, as {@link #replicateLogs(int, String, byte[], RequestId)};
     * with {@code autoCommit=false} it is a manual proposal, and a retry returns the original ticket.
     */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                           boolean autoCommit, RequestId requestId);

    /** Replicates several entries as one proposal with one ticket; the result carries the last entry's index. */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                           boolean autoCommit);

    /**
     * Replicates one entry and commits it automatically, fenced by the partition's generation: if the node's
     * applied {@link PartitionMap} holds a newer generation of the partition than {@code expectedGeneration}, the
     * write is refused with {@link RaftOperationStatus#PartitionMoved} (naming the new owner in
     * {@link RaftReplicationResult#movedTo()} when one exists) and not appended. The check runs on the partition's
     * executor when the write would be proposed; see {@code docs/partitions.md} for the window in which a node
     * whose map lags still takes a stale generation.
     *
     * @param expectedGeneration the generation the caller routed with ({@link PartitionDescriptor#generation()});
     *                           0 for no check
     * @throws IllegalArgumentException if {@code data} is null or the generation is negative
     */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                           long expectedGeneration);

    /** As {@link #replicateLogs(int, String, List, boolean)}, fenced as {@link #replicateLogs(int, String, byte[], long)}. */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                           boolean autoCommit, long expectedGeneration);

    /** Commits a manual proposal: appends a commit entry that references the ticket. */
    CompletableFuture<RaftReplicationResult> commitLogs(int partitionId, HLCTimestamp ticket);

    /** Rolls back a manual proposal: appends a rollback entry that references the ticket. */
    CompletableFuture<RaftReplicationResult> rollbackLogs(int partitionId, HLCTimestamp ticket);

    /**
     * Replicates a checkpoint marker: the application has made everything before it durable, so entries at or
     * below it may be compacted once every member holds it.
     */
    CompletableFuture<RaftReplicationResult> replicateCheckpoint(int partitionId);

    // ---------------------------------------------------------------- leadership and reads

    /** Whether this node leads the partition, from the last known state (no executor round-trip). */
    boolean amILeaderQuick(int partitionId);

    /**
     * How many of this node's partition replicas (the system partition's included) are quiesced now: idle, not
     * ticked, sending no heartbeats (see {@code docs/scale.md}). A cheap read, for a gauge.
     */
    int quiescedPartitions();

    /** Whether this node leads the partition, asked on the partition's executor. */
    CompletableFuture<Boolean> amILeader(int partitionId);

    /**
     * Waits until the partition has a known leader.
     *
     * @return the leader's endpoint; fails with {@link java.util.concurrent.TimeoutException} after {@code timeout}
     */
    CompletableFuture<String> waitForLeader(int partitionId, Duration timeout);

    /**
     * Confirms, for a linearizable read, that this node still leads: a quorum acknowledges a heartbeat round in the
     * current term, then this node waits until it has applied everything committed when the call arrived.
     * Concurrent callers share a round.
     *
     * @return true if confirmed; false if this node does not lead (or lost leadership meanwhile)
     */
    CompletableFuture<Boolean> confirmLeadership(int partitionId);

    /**
     * Hands leadership of a partition this node leads to another member. With leader balancing on (the default,
     * {@code RaftConfiguration.Builder#leaderBalancing}), a target that is not the partition's preferred leader hands
     * leadership back to it once the preferred leader is up and caught up: a transfer moves leadership off a node,
     * it does not place it for good.
     *
     * @param target another member's endpoint ({@code host:port})
     * @return the outcome: Success once the target leads
     * @throws IllegalArgumentException if {@code target} is null, this node itself, or not a member
     */
    CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target);

    // ---------------------------------------------------------------- status

    /**
     * The partition's leader as last known on this node, without waiting.
     *
     * @return the leader's endpoint ({@code host:port}), or null if none is known, the partition is unknown, or
     *         the node is closed
     */
    String leaderHint(int partitionId);

    /**
     * Where the partition stands on this node: its state, term, leader, commit, applied and last index, and on the
     * leader each follower's match index and lag. Answered on the partition's executor, completed off it.
     *
     * @return the status; fails with {@link IllegalArgumentException} for an unknown partition and with
     *         {@link RaftClosedException} once the node is closed
     */
    CompletableFuture<PartitionStatus> partitionStatus(int partitionId);

    /** Inbound messages dropped because their sender is not a member, since the node was built. */
    long unknownSenderMessages();

    /** Inbound messages dropped because their partition does not exist here (yet), since the node was built. */
    long unknownPartitionMessages();

    // ---------------------------------------------------------------- routing

    /**
     * The user partition that owns a key: {@link PartitionMap#hash(String)} of the key, looked up in the node's
     * partition map.
     *
     * @throws IllegalStateException before the partition ranges are known (see {@link #joinCluster()}), or when no
     *                               partition owns the key's hash (its owner was removed)
     */
    int getPartitionKey(String key);

    /**
     * The user partition that owns a key's prefix, the part before its last {@code '/'} (the whole key if it has
     * none), so that related keys ({@code orders/42/line/1}, {@code orders/42/line/2}) share a partition.
     *
     * @throws IllegalStateException before the partition ranges are known, or when no partition owns the hash
     */
    int getPrefixPartitionKey(String key);

    /**
     * The partition map this node has applied (see {@code docs/partitions.md}); version 0 and no partitions until
     * the node knows it. Another node may have applied a newer one.
     */
    PartitionMap getPartitionMap();

    /** Calls {@code listener} with every committed change of the partition map, in commit order. */
    Subscription onPartitionMapChanged(PartitionMapListener listener);

    /**
     * The number of user partitions not removed (0 until known). Their ids are those of {@link #getPartitionMap()}:
     * 1..n at first, and not contiguous once partitions are created and removed.
     */
    int partitionCount();

    /**
     * Creates a user partition with the next unused id, owning {@code range} (which no live partition may overlap),
     * or unrouted (addressed by id only) if {@code range} is null. Every node opens it when it applies the change;
     * it then elects a leader and takes writes. Today the call must be made on the system partition's leader
     * (others answer {@link RaftOperationStatus#NodeIsNotLeader} with its endpoint as the hint); see
     * {@code docs/partitions.md}.
     *
     * @return the outcome, with the new partition on success
     */
    CompletableFuture<PartitionChangeResult> createPartition(PartitionRange range);

    /**
     * Removes a user partition: first it drains (new writes are refused with
     * {@link RaftOperationStatus#PartitionDraining}, writes already appended still commit), then it is removed and
     * every node closes it; its id is never used again, and calls on it answer
     * {@link RaftOperationStatus#UnknownPartition}. Partition 0 cannot be removed. Made on the system partition's
     * leader, as {@link #createPartition}.
     *
     * @return the outcome, with the partition as removed on success
     */
    CompletableFuture<PartitionChangeResult> removePartition(int partitionId);

    /**
     * Splits a routed user partition online: a new partition (the next unused id) takes the keys whose hash is from
     * {@code boundary} to the end of the partition's range. The split is an entry of the partition's log: from it on
     * the partition refuses every write addressed with an older generation ({@link RaftOperationStatus#PartitionMoved}),
     * and the new partition starts from the application's state of the moved keys as of that entry
     * ({@link IRaftStateMachineTransfer#produceRangeSnapshot}, {@link IRaftStateMachineTransfer#absorbSnapshot}),
     * serving them once the split finishes in the map. May be called on any node; see {@code docs/partitions.md}.
     *
     * @param partitionId the partition to split (not 0)
     * @param boundary    the first hash (unsigned) that moves; strictly inside the partition's range
     * @return once the split finished, the new partition; {@link RaftOperationStatus#SplitUnsupported} (nothing
     *         changed) when the application cannot split partitions
     * @throws IllegalArgumentException if {@code partitionId} is below 1
     */
    CompletableFuture<PartitionChangeResult> splitPartition(int partitionId, long boundary);

    /**
     * Merges partition {@code adjacent} into its neighbour {@code survivor} (their ranges must abut): the adjacent
     * partition stops taking writes at a merge entry of its log ({@link RaftOperationStatus#PartitionMoved} toward
     * the survivor from it on), its state as of that entry moves into the survivor
     * ({@link IRaftStateMachineTransfer#produceRangeSnapshot} over its whole range, then
     * {@link IRaftStateMachineTransfer#absorbSnapshot} at an entry of the survivor's log), the survivor takes both
     * ranges (one generation on) and the adjacent partition is removed (its data deleted from every WAL). May be
     * called on any node; see {@code docs/partitions.md}.
     *
     * @param survivor the partition that stays (not 0)
     * @param adjacent the partition that goes (not 0, not {@code survivor})
     * @return once the merge finished, the survivor; {@link RaftOperationStatus#PartitionsNotAdjacent} when the
     *         ranges do not abut (or one is unrouted), {@link RaftOperationStatus#PartitionBusy} when either (or a
     *         neighbour of either) is being split, merged or removed, {@link RaftOperationStatus#UnknownPartition}
     *         when either is not a live partition, {@link RaftOperationStatus#SplitUnsupported} (nothing changed)
     *         when the application cannot split and merge partitions
     * @throws IllegalArgumentException if either id is below 1, or they are the same
     */
    CompletableFuture<PartitionChangeResult> mergePartitions(int survivor, int adjacent);

    /** This node's endpoint ({@code host:port}). */
    String localEndpoint();

    // ---------------------------------------------------------------- events

    /** Subscribes to committed entries of every user partition. */
    Subscription onReplicationReceived(ReplicationListener listener);

    /** Subscribes to failures of replication listeners. */
    Subscription onReplicationError(ReplicationErrorListener listener);

    /** Subscribes to leader changes of every user partition. */
    Subscription onLeaderChanged(LeaderChangedListener listener);

    /** Subscribes to the start of each user partition's restore. */
    Subscription onRestoreStarted(PartitionListener listener);

    /**
     * Subscribes to committed entries this node may have delivered before it restarted: during the restore, those
     * up to the stored commit index; after it, as they become known committed, the rest of what was in its log at
     * the restart. Each entry reaches a node once per process lifetime, through this or
     * {@link #onReplicationReceived}, which never delivers an entry twice, even across restarts. A partition
     * restores (and announces it through {@link #onRestoreStarted} and {@link #onRestoreFinished}) once per process
     * lifetime; when it restores again after a WAL failure ({@link #onPartitionUnavailable}), delivery resumes after the
     * last entry the application received, and nothing is replayed. The exception is a partition the map moves off
     * this node and later places on it again (replica placement, {@code docs/partitions.md}): its data was deleted
     * meanwhile, so it restores again from nothing; {@link #onRestoreStarted} says so, and the application starts that
     * partition's state afresh.
     */
    Subscription onLogRestored(LogRestoredListener listener);

    /** Subscribes to the end of each user partition's restore. */
    Subscription onRestoreFinished(PartitionListener listener);

    /**
     * Subscribes to partitions that stop on this node after detecting an impossible state. Such a partition fails
     * every call with {@link RaftOperationStatus#PartitionFailed} until the node restarts; its status says
     * {@link PartitionStatus.State#FAILED} and why. Not to be confused with {@link #onPartitionUnavailable}, which
     * reports failures of the WAL beneath a partition.
     */
    Subscription onPartitionFailed(PartitionFailedListener listener);

    /**
     * Subscribes to WAL failures of each user partition: each failure, with the delay before the partition restores
     * again, or -1 once it gave up and answers {@link RaftOperationStatus#PartitionUnavailable}. Not to be confused
     * with {@link #onPartitionFailed}, which reports a replica that detected an impossible state.
     */
    Subscription onPartitionUnavailable(PartitionUnavailableListener listener);

    /**
     * Subscribes to snapshot installs: this node's replica of a partition was behind its leader's compaction point,
     * so the leader sent its snapshot, which the application installed ({@link IRaftStateMachineTransfer}); entries
     * up to the given index were not delivered here one by one, and deliveries continue after it.
     */
    Subscription onSnapshotInstalled(SnapshotInstalledListener listener);

    /**
     * Subscribes to roster changes: every committed change, in commit order, on every node (a restarting node replays
     * its log's changes as it restores). Runs on the system partition's executor; must not block.
     */
    Subscription onMembershipChanged(MembershipListener listener);
}
