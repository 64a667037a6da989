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
 */
public record RaftReplicationResult(boolean success, RaftOperationStatus status, HLCTimestamp ticket, long logIndex,
                                    String leader) {

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

    /** Whether the write committed, never will, or still may: the status's {@link RaftOperationStatus#writeOutcome()}. */
    public WriteOutcome outcome() {
        return status.writeOutcome();
    }
}
