package io.kommander;

/**
 * The outcome of an operation on a partition. For writes, {@link #writeOutcome()} says whether the entries can still
 * commit; {@code docs/getting-started.md} has the table of what each status means and what to do.
 */
public enum RaftOperationStatus {
    /** The operation completed as asked. */
    Success(WriteOutcome.COMMITTED),
    /** An unexpected error (see the node's log). Nothing says whether a write was appended. */
    Errored(WriteOutcome.UNKNOWN),
    /** This node does not lead the partition; the result carries the leader's endpoint when known. */
    NodeIsNotLeader(WriteOutcome.NOT_APPENDED),
    /**
     * This node led the partition in an older term and lost leadership after appending the write, before it was
     * applied: the next leader may still commit it.
     */
    LeaderInOldTerm(WriteOutcome.UNKNOWN),
    /**
     * No proposal with the given ticket is waiting for a commit or rollback: none was proposed, it was settled the
     * other way (rolled back when asked to commit, or committed when asked to roll back, possibly by its
     * time-to-live), or its settlement was compacted away. Nothing was appended.
     */
    ProposalNotFound(WriteOutcome.NOT_APPENDED),
    /** The write was appended but not applied within its time limit; it may still commit. */
    ProposalTimeout(WriteOutcome.UNKNOWN),
    /**
     * This node's WAL failed while the write was in flight, and the partition restored itself from the WAL. The
     * leader sends entries to its followers while its own write is in flight, so they may hold the write and the
     * next leader may commit it.
     */
    ReplicationFailed(WriteOutcome.UNKNOWN),
    /** The partition's client queue is full: back off and retry. Nothing was appended. */
    ProposalQueueFull(WriteOutcome.NOT_APPENDED),
    /**
     * The partition is restoring from its WAL, or waiting to restore again after its WAL failed. Nothing was
     * appended.
     */
    RestoreInProgress(WriteOutcome.NOT_APPENDED),
    /** No such partition exists on this node. */
    UnknownPartition(WriteOutcome.NOT_APPENDED),
    /** The node was closed or has left the cluster. A write it took before closing may still commit. */
    NodeClosed(WriteOutcome.UNKNOWN),
    /** A leadership transfer is in progress; proposals are paused until it ends. Nothing was appended. */
    LeadershipTransferInProgress(WriteOutcome.NOT_APPENDED),
    /**
     * A checkpoint was refused because manual proposals are open (proposed, neither committed nor rolled back): a
     * checkpoint over them would let compaction remove their entries. Settle them, or wait for their
     * time-to-live, and ask again. Nothing was appended.
     */
    ActiveProposal(WriteOutcome.NOT_APPENDED),
    /**
     * An entry is larger than {@code maxEntryBytes}, or the entries of one call together are larger than
     * {@code maxProposalBytes} (see {@link RaftConfiguration}); nothing was appended. Retrying cannot help: split
     * the data.
     */
    EntryTooLarge(WriteOutcome.NOT_APPENDED),
    /**
     * This replica of the partition detected an impossible state (for example a leader's entry conflicting with
     * one it had committed) and stopped; every call on it fails so until the node restarts. See the node's log,
     * {@link IRaft#onPartitionFailed} and {@link IRaft#partitionStatus}. A write it had taken may still commit
     * through the other replicas.
     */
    PartitionFailed(WriteOutcome.UNKNOWN),
    /**
     * The write's {@link RequestId} names a client whose session this partition does not know (it expired, was
     * evicted, or never opened with sequence 1), so whether an earlier attempt was applied cannot be told. This
     * attempt was not appended; start over with a new client id.
     */
    SessionExpired(WriteOutcome.NOT_APPENDED),
    /**
     * The write's {@link RequestId} has a sequence at or below the highest its session applied, and its result is no
     * longer remembered (or it was never applied: sequences must increase). This attempt was not appended; an
     * earlier one may have been.
     */
    DuplicateTooOld(WriteOutcome.NOT_APPENDED),
    /**

     * This partition's WAL failed again and again on this node and the partition gave up (see
     * {@link IRaft#onPartitionUnavailable}); it takes no part in the cluster until the node restarts. Unlike
     * {@link #PartitionFailed}, the replica's state is sound: its storage is not. Nothing was appended.
     */
    PartitionUnavailable(WriteOutcome.NOT_APPENDED),
    /**
     * A membership change was refused because another one is not committed yet (or this leader has not yet
     * committed an entry of its term): changes go one at a time. Nothing was appended; retry shortly.
     */
    MembershipChangeInProgress(WriteOutcome.NOT_APPENDED),
    /**
     * A membership change was refused because too few voters would remain to form a quorum, counting only those
     * that hold everything committed. Nothing was appended.
     */
    TooFewVoters(WriteOutcome.NOT_APPENDED),
    /** The node named by a membership change is not a member (of this partition). Nothing was appended. */
    NotAMember(WriteOutcome.NOT_APPENDED),
    /**
     * A learner was not promoted because it does not yet hold everything committed: wait for it to catch up.
     * Nothing was appended.
     */
    MemberNotCaughtUp(WriteOutcome.NOT_APPENDED),
    /**
     * A roster change ({@link IRaft#removeMember}, {@link IRaft#leaveCluster}, a join) found no leader of the system
     * partition within its bound: no node it asked took the request. An earlier attempt whose answer was lost may
     * still have been taken, so the change may yet happen; {@link IRaft#getMembership} tells.
     */
    NoLeader(WriteOutcome.UNKNOWN),
    /**
     * The write named a generation of the partition older than its current one ({@code expectedGeneration}): the
     * partition changed (or was removed) since the caller routed. Nothing was appended; the result's
     * {@link RaftReplicationResult#movedTo()} names the new owner when one exists. Route again from
     * {@link IRaft#getPartitionMap()}.
     */
    PartitionMoved(WriteOutcome.NOT_APPENDED),
    /**
     * The partition is being removed ({@link PartitionState#DRAINING}): it takes no new writes. Nothing was
     * appended; writes it took before still commit.
     */
    PartitionDraining(WriteOutcome.NOT_APPENDED),
    /**
     * {@link IRaft#removePartition}: the partition must drain before it is removed (another removal of it is under
     * way). Nothing changed.
     */
    PartitionNotDrained(WriteOutcome.NOT_APPENDED),
    /**
     * {@link IRaft#createPartition}: another partition owns part of the range asked for (or a concurrent create took
     * the id). Nothing changed.
     */
    PartitionRangeTaken(WriteOutcome.NOT_APPENDED),
    /**
     * {@link IRaft#splitPartition}, {@link IRaft#mergePartitions}: a split or merge of the partition (or, for a merge
     * or a removal, of a neighbour it abuts) is already under way. Nothing changed; try again once it has finished.
     */
    PartitionBusy(WriteOutcome.NOT_APPENDED),
    /**
     * {@link IRaft#mergePartitions}: the two partitions' ranges do not abut (or one of them is unrouted). Nothing
     * changed.
     */
    PartitionsNotAdjacent(WriteOutcome.NOT_APPENDED),
    /**
     * {@link IRaft#splitPartition}, {@link IRaft#mergePartitions}: the application cannot hand over part of a partition's state (it gave no
     * {@link IRaftStateMachineTransfer}, or one whose {@link IRaftStateMachineTransfer#splitsPartitions()} is false).
     * Nothing changed.
     */
    SplitUnsupported(WriteOutcome.NOT_APPENDED);

    private final WriteOutcome writeOutcome;

    RaftOperationStatus(WriteOutcome writeOutcome) {
        this.writeOutcome = writeOutcome;
    }

    /** For a write answered with this status: whether its entries committed, never will, or still may. */
    public WriteOutcome writeOutcome() {
        return writeOutcome;
    }
}
