package io.kommander;

import io.kommander.time.HLCTimestamp;

/**
 * The result of a write: {@code replicateLogs}, {@code commitLogs}, {@code rollbackLogs} or
 * {@code replicateCheckpoint}.
 *
 * @param success   whether the operation succeeded ({@code status == Success})
 * @param status    the detailed outcome
 * @param ticket    the proposal's ticket, to pass to {@code commitLogs}/{@code rollbackLogs}; {@link HLCTimestamp#ZERO}
 *                  when nothing was proposed
 * @param logIndex  the index of the last entry written by the operation, or 0 when nothing was written
 * @param leader    the endpoint of the partition's leader when known ({@code host:port}), or null
 */
public record RaftReplicationResult(boolean success, RaftOperationStatus status, HLCTimestamp ticket, long logIndex,
                                    String leader) {

    /** A successful result. */
    public static RaftReplicationResult success(HLCTimestamp ticket, long logIndex) {
        return new RaftReplicationResult(true, RaftOperationStatus.Success, ticket, logIndex, null);
    }

    /** A failed result with the given status and, when known, the leader's endpoint. */
    public static RaftReplicationResult failure(RaftOperationStatus status, String leader) {
        return new RaftReplicationResult(false, status, HLCTimestamp.ZERO, 0, leader);
    }
}
