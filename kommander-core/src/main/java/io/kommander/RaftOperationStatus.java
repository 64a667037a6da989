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
    /** The partition is restoring from its WAL, or waiting to restore again after its WAL failed. */
    RestoreInProgress,
    /** No such partition exists on this node. */
    UnknownPartition,
    /** The node was closed or has left the cluster. */
    NodeClosed,
    /** A leadership transfer is in progress; proposals are paused until it ends. */
    LeadershipTransferInProgress,
    /**
     * The partition's WAL failed again and again on this node and the partition gave up (see
     * {@link IRaft#onPartitionFailure}); it takes no part in the cluster until the node restarts.
     */
    PartitionUnavailable
}
