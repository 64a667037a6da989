package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;

/**
 * A leadership transfer in progress: its target, the request to complete, and its deadline. It starts on a leader
 * (which then refuses writes), and ends when a new leader becomes known, when this replica wins an election
 * itself, or at the deadline.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class LeadershipTransfer {

    private String target;
    private long requestId;
    private long deadline;

    /** Whether a transfer is in progress. */
    boolean inProgress() {
        return target != null;
    }

    /** The member leadership goes to, or null if no transfer is in progress. */
    String target() {
        return target;
    }

    /**
     * Starts a transfer to {@code target} for request {@code requestId}, ending unfinished at {@code deadline}.
     *
     * @throws IllegalStateException if a transfer is already in progress
     */
    void begin(String target, long requestId, long deadline) {
        if (inProgress()) {
            throw new IllegalStateException("a transfer to " + this.target + " is already in progress");
        }
        this.target = target;
        this.requestId = requestId;
        this.deadline = deadline;
    }

    /** Whether a transfer is in progress and its deadline has passed at {@code now}. */
    boolean expiredAt(long now) {
        return inProgress() && now >= deadline;
    }

    /** The outcome once {@code newLeader} leads: success only if it is the target. */
    RaftOperationStatus outcomeFor(String newLeader) {
        return newLeader.equals(target) ? RaftOperationStatus.Success : RaftOperationStatus.Errored;
    }

    /**
     * Ends the transfer, completing its request with {@code status}.
     *
     * @throws IllegalStateException if no transfer is in progress
     */
    void finish(RaftOperationStatus status, Ready ready) {
        if (!inProgress()) {
            throw new IllegalStateException("no transfer in progress");
        }
        ready.completeStatus(requestId, status);
        target = null;
    }
}
