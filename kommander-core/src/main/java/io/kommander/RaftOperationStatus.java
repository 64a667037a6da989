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
     * An entry is larger than {@code maxEntryBytes}, or the entries of one call together are larger than
     * {@code maxProposalBytes} (see {@link RaftConfiguration}); nothing was appended. Retrying cannot help: split
     * the data.
     */
    EntryTooLarge,
    /**
     * This replica of the partition detected an impossible state (for example a leader's entry conflicting with
     * one it had committed) and stopped; every call on it fails so until the node restarts. See the node's log,
     * {@link IRaft#onPartitionFailed} and {@link IRaft#partitionStatus}.
     */
    PartitionFailed
}
