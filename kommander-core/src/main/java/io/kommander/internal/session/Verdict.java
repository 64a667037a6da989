package io.kommander.internal.session;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;

/**
 * What the session window decided about a committed entry, or answers a retry with: the entry is applied (delivered
 * to the application), or it repeats a request whose answer is {@link #result()} and is not delivered.
 *
 * @param outcome what was decided
 * @param index   for APPLIED and DUPLICATE, the index of the entry that applied the request
 * @param ticket  for APPLIED and DUPLICATE, that entry's ticket
 */
public record Verdict(Outcome outcome, long index, HLCTimestamp ticket) {

    /** The decisions. */
    public enum Outcome {
        /** A new request (or an entry without a request id): delivered. */
        APPLIED,
        /** The request was applied before, at {@link #index()}: not delivered again. */
        DUPLICATE,
        /** The request's sequence is at or below its session's highest and its result is forgotten. */
        TOO_OLD,
        /** The request's session is unknown and the sequence does not open one. */
        EXPIRED,
        /** An entry the window refused before a restart (restored from a snapshot): its answer is not kept. */
        REFUSED_BEFORE_RESTORE
    }

    /** The verdict of an entry without a request id. */
    static final Verdict PLAIN = new Verdict(Outcome.APPLIED, 0, HLCTimestamp.ZERO);
    static final Verdict TOO_OLD = new Verdict(Outcome.TOO_OLD, 0, HLCTimestamp.ZERO);
    static final Verdict EXPIRED = new Verdict(Outcome.EXPIRED, 0, HLCTimestamp.ZERO);
    static final Verdict REFUSED_BEFORE_RESTORE = new Verdict(Outcome.REFUSED_BEFORE_RESTORE, 0, HLCTimestamp.ZERO);

    /** Whether the entry reaches the application. */
    public boolean delivered() {
        return outcome == Outcome.APPLIED;
    }

    /** The answer to the request's caller (or to a retry of it); the leader hint is left out: this node leads. */
    public RaftReplicationResult result() {
        return switch (outcome) {
            case APPLIED, DUPLICATE -> RaftReplicationResult.success(ticket, index);
            case TOO_OLD -> RaftReplicationResult.failure(RaftOperationStatus.DuplicateTooOld, null);
            case EXPIRED -> RaftReplicationResult.failure(RaftOperationStatus.SessionExpired, null);
            case REFUSED_BEFORE_RESTORE -> throw new IllegalStateException("no answer is kept for " + this);
        };
    }
}
