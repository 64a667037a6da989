package io.kommander;

import io.kommander.time.HLCTimestamp;
import java.util.Arrays;

/**
 * One entry as the application sees it, delivered through {@link IRaft#onReplicationReceived} or
 * {@link IRaft#onLogRestored}.
 *
 * <p>For a {@link RaftLogType#Committed} or {@link RaftLogType#RolledBack} entry that settles a manual proposal,
 * {@link #time()} is the proposal's ticket, {@link #applicationType()} its type and {@link #data()} is empty: the data
 * was delivered with the {@link RaftLogType#Proposed} entries of the same ticket.
 *
 * @param index   position in the partition's log (from 1)
 * @param term    term of the leader that appended it
 * @param kind    what the entry is in the log's life: a plain write, a proposal, its settlement, a checkpoint
 * @param time    the ticket: the leader's hybrid logical time when the entry was proposed
 * @param applicationType the application's own type string, as given to {@code replicateLogs}
 * @param data    the payload; never null. Do not modify: the array is shared with the log cache
 */
public record RaftLog(long index, long term, RaftLogType kind, HLCTimestamp time, String applicationType,
                      byte[] data) {

    /** Canonical constructor; replaces null type strings and data with empty ones. */
    public RaftLog {
        applicationType = applicationType == null ? "" : applicationType;
        data = data == null ? new byte[0] : data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RaftLog other
                && index == other.index && term == other.term && kind == other.kind
                && time.equals(other.time) && applicationType.equals(other.applicationType) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 17 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RaftLog[" + index + "@" + term + " " + kind + " " + applicationType + " " + data.length + "B ticket " + time + "]";
    }
}
