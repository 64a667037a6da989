package io.kommander;

/** The outcome of an operation on a partition. */
public enum RaftOperationStatus {
    /** The operation completed as asked. */
    Success,
    /** An unexpected error (see the node's log). */
    Errored,
    /** This node does not lead the partition; the result carries the leader's endpoint when known. */
    NodeIsNotLeader,
    /** This node led the partition in an older term and lost leadership before the operation completed. */
    LeaderInOldTerm,
    /** No proposal with the given ticket is waiting for a commit or rollback. */
    ProposalNotFound,
    /** The operation did not complete within its time limit. */
    ProposalTimeout,
    /** The entries could not be replicated or persisted. */
    ReplicationFailed,
    /** The partition's client queue is full: back off and retry. */
    ProposalQueueFull,
    /** The partition is still restoring from its WAL. */
    RestoreInProgress,
    /** No such partition exists on this node. */
    UnknownPartition,
    /** The node was closed or has left the cluster. */
    NodeClosed,
    /** A leadership transfer is in progress; proposals are paused until it ends. */
    LeadershipTransferInProgress,
    /**
     * The write's {@link RequestId} names a client whose session this partition does not know (it expired, was
     * evicted, or never opened with sequence 1), so whether an earlier attempt was applied cannot be told: the
     * write was not applied. Start over with a new client id.
     */
    SessionExpired,
    /**
     * The write's {@link RequestId} has a sequence at or below the highest its session applied, and its result is no
     * longer remembered (or it was never applied: sequences must increase): the write was not applied again.
     */
    DuplicateTooOld
}
