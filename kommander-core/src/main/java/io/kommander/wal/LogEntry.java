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

    /**
     * The bound of an entry's bytes besides its type and payload, in a compact encoding: index, term and the
     * time's physical and counter parts (varints of at most 10 bytes each), the time's node (a varint of at most 5
     * bytes), the kind and the flags (one byte each), the request id's client and sequence (varints of at most 10
     * bytes each), and the lengths of the type and the payload (varints of at most 5 bytes each).
     */
    public static final int OVERHEAD_BYTES = 4 * 10 + 5 + 2 * 1 + 2 * 10 + 2 * 5;

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

    /**
     * An upper bound of the entry's encoded size, for batch limits: {@link #OVERHEAD_BYTES} plus its
     * {@link #contentBytes content}.
     */
    public int sizeEstimate() {
        return (int) Math.min(Integer.MAX_VALUE, OVERHEAD_BYTES + contentBytes(logType, data));
    }

    /**
     * What the size limits of entries count: the payload's length plus the type's length in UTF-8 (a null type or
     * payload counts as empty).
     */
    public static long contentBytes(String logType, byte[] data) {
        return (data == null ? 0 : data.length) + utf8Length(logType);
    }

    private static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // A surrogate pair takes 4 bytes, 2 per half; a lone surrogate is encoded as one byte, so 2 bounds it.
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
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
