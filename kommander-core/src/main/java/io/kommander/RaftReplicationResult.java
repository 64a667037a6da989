package io.kommander;

import io.kommander.time.HLCTimestamp;

/**
 * The result of a write: {@code replicateLogs}, {@code commitLogs}, {@code rollbackLogs} or
 * {@code replicateCheckpoint}.
 *
 * @param success   whether the operation succeeded ({@code status == Success})
 * @param status    the detailed outcome; {@link #outcome()} says whether a failed write may still commit
 * @param ticket    the proposal's ticket, to pass to {@code commitLogs}/{@code rollbackLogs}: on success and on
 *                  failure alike, the ticket the write was stamped with or settles, so that a manual proposal whose
 *                  outcome is unknown can still be settled; {@link HLCTimestamp#ZERO} when the write was refused
 *                  before a ticket was issued
 * @param logIndex  the index of the last entry written by the operation, or 0 when it failed
 * @param leader    the endpoint of the partition's leader when known ({@code host:port}), or null
 * @param movedTo   with {@link RaftOperationStatus#PartitionMoved}, the partition that owns the range now, if one
 *                  does; else null
 */
public record RaftReplicationResult(boolean success, RaftOperationStatus status, HLCTimestamp ticket, long logIndex,
                                    String leader, PartitionOwner movedTo) {

    /**
     * Where a write refused with {@link RaftOperationStatus#PartitionMoved} should go now.
     *
     * @param partitionId the partition that owns the range now (or the same partition, in a newer generation)
     * @param generation  its current generation, to address the retry with
     */
    public record PartitionOwner(int partitionId, long generation) {
    }

    /** A result that names no new owner. */
    public RaftReplicationResult(boolean success, RaftOperationStatus status, HLCTimestamp ticket, long logIndex,
                                 String leader) {
        this(success, status, ticket, logIndex, leader, null);
    }

    /** A successful result. */
    public static RaftReplicationResult success(HLCTimestamp ticket, long logIndex) {
        return new RaftReplicationResult(true, RaftOperationStatus.Success, ticket, logIndex, null);
    }

    /** A failed result of a write refused before a ticket was issued, naming the leader when known. */
    public static RaftReplicationResult failure(RaftOperationStatus status, String leader) {
        return failure(status, leader, HLCTimestamp.ZERO);
    }

    /** A failed result of a write stamped with (or settling) {@code ticket}, naming the leader when known. */
    public static RaftReplicationResult failure(RaftOperationStatus status, String leader, HLCTimestamp ticket) {
        return new RaftReplicationResult(false, status, ticket, 0, leader);
    }

    /** A write refused because the partition moved on; {@code owner} may be null when nothing owns its range now. */
    public static RaftReplicationResult moved(PartitionOwner owner) {
        return new RaftReplicationResult(false, RaftOperationStatus.PartitionMoved, HLCTimestamp.ZERO, 0, null, owner);
    }

    /** Whether the write committed, never will, or still may: the status's {@link RaftOperationStatus#writeOutcome()}. */
    public WriteOutcome outcome() {
        return status.writeOutcome();
    }
}
