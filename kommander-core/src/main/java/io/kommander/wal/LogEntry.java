package io.kommander.wal;

import io.kommander.time.HLCTimestamp;

import java.util.Arrays;

/**
 * One immutable entry of a partition's Raft log, as replicated and stored.
 *
 * <p>An entry written with a client request id (an idempotent write) carries it as {@code clientId} and
 * {@code sequence}, so that every replica can tell a retried request from a new one; other entries carry 0 in both.
 *
 * @param index    position in the log, from 1
 * @param term     term of the leader that created it
 * @param kind     what the entry is
 * @param time     the leader's hybrid time at proposal; for COMMIT and ROLLBACK, the ticket they settle
 * @param logType  the application's type string (may be empty)
 * @param data     the payload (may be empty, never null); treated as immutable once the entry exists
 * @param clientId the client of the request that wrote it, or 0 if it has no request id
 * @param sequence the request's sequence within its client (from 1), or 0 if it has no request id
 */
public record LogEntry(long index, long term, EntryKind kind, HLCTimestamp time, String logType, byte[] data,
                       long clientId, long sequence) {

    private static final byte[] EMPTY = new byte[0];

    /** Canonical constructor; validates positions and the request id, and normalises nulls. */
    public LogEntry {
        if (index < 1) {
            throw new IllegalArgumentException("index must be >= 1, was " + index);
        }
        if (term < 0) {
            throw new IllegalArgumentException("term must be >= 0, was " + term);
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (clientId == 0 ? sequence != 0 : sequence < 1) {
            throw new IllegalArgumentException("request id " + clientId + "#" + sequence
                    + ": sequence must be >= 1 with a client id, and 0 without one");
        }
        time = time == null ? HLCTimestamp.ZERO : time;
        logType = logType == null ? "" : logType;
        data = data == null ? EMPTY : data;
    }

    /** An entry without a request id. */
    public LogEntry(long index, long term, EntryKind kind, HLCTimestamp time, String logType, byte[] data) {
        this(index, term, kind, time, logType, data, 0, 0);
    }

    /** Returns the same entry at another position (used when a leader assigns indices). */
    public LogEntry at(long newIndex, long newTerm) {
        return new LogEntry(newIndex, newTerm, kind, time, logType, data, clientId, sequence);
    }

    /** Whether the entry was written with a client request id. */
    public boolean hasRequestId() {
        return clientId != 0;
    }

    /** An approximate size in bytes, for batch limits. */
    public int sizeEstimate() {
        return 40 + (hasRequestId() ? 16 : 0) + logType.length() + data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry other
                && index == other.index && term == other.term && kind == other.kind
                && time.equals(other.time) && logType.equals(other.logType) && Arrays.equals(data, other.data)
                && clientId == other.clientId && sequence == other.sequence;
    }

    @Override
    public int hashCode() {
        return (int) (index * 31 + term) * 17 + kind.hashCode() * 7 + Arrays.hashCode(data)
                + Long.hashCode(clientId * 31 + sequence);
    }

    @Override
    public String toString() {
        return "LogEntry[" + index + "@" + term + " " + kind + " " + logType + " " + data.length + "B " + time
                + (hasRequestId() ? " req " + Long.toHexString(clientId) + "#" + sequence : "") + "]";
    }
}
