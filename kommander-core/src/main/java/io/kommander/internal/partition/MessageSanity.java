package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.wal.LogEntry;

import java.util.List;

/**
 * Whether a message is one a correct peer could have sent, checked before any of its fields is used: terms and
 * indexes are data from the network, and one implausible value (a term of {@code Long.MAX_VALUE}, an index that
 * overflows when incremented) must not become a replica's state. Structure alone, never the log: the state machine
 * still applies Raft's own checks after this one.
 */
final class MessageSanity {

    private MessageSanity() {
    }

    /**
     * @param term           the receiver's current term
     * @param lastIndex      the receiver's last log index
     * @param unboundedTerms planted bug {@link PlantedBug#ADOPT_IMPLAUSIBLE_TERM}: skip the bound on terms
     */
    static boolean plausible(RaftMessage message, long term, long lastIndex, boolean unboundedTerms) {
        long messageTerm = message.term();
        if (messageTerm < 0 || (!unboundedTerms && messageTerm - term > RaftPartitionStateMachine.MAX_TERM_LEAD)) {
            return false;
        }
        if (message instanceof AppendLogs append) {
            return plausibleAppend(append);
        }
        if (message instanceof AppendLogsResponse response) {
            // A success of this term acknowledges entries this replica, its leader, sent: never past its log.
            // A rejection's hint is the follower's own last index, which may pass the leader's, but never so far
            // that the leader's next index (hint + 1) would overflow.
            return response.matchIndex() >= 0 && response.matchIndex() < Long.MAX_VALUE
                    && (!response.success() || response.term() != term || response.matchIndex() <= lastIndex);
        }
        if (message instanceof RequestVote vote) {
            return vote.lastLogIndex() >= 0 && vote.lastLogTerm() >= 0 && vote.lastLogTerm() <= vote.term();
        }
        if (message instanceof Quiesce quiesce) {
            return quiesce.index() >= 0 && quiesce.indexTerm() >= 0 && quiesce.indexTerm() <= quiesce.term();
        }
        if (message instanceof TimeoutNow timeoutNow) {
            return timeoutNow.lastLogIndex() >= 0;
        }
        if (message instanceof InstallSnapshot chunk) {
            return plausibleChunk(chunk);
        }
        if (message instanceof InstallSnapshotResponse answer) {
            return answer.index() >= 0 && isCrc(answer.wholeCrc()) && answer.heldBytes() >= 0
                    && answer.heldBytes() <= SnapshotImage.MAX_BYTES;
        }
        return true;
    }

    /**
     * A snapshot chunk lies within a snapshot of plausible size at a real entry of a term no later than the
     * leader's, and is not empty (every chunk moves the transfer).
     */
    private static boolean plausibleChunk(InstallSnapshot chunk) {
        return chunk.index() >= 1 && chunk.indexTerm() >= 1 && chunk.indexTerm() <= chunk.term()
                && chunk.totalBytes() >= 1 && chunk.totalBytes() <= SnapshotImage.MAX_BYTES
                && chunk.offset() >= 0 && chunk.data().length >= 1
                && chunk.offset() + chunk.data().length <= chunk.totalBytes()
                && isCrc(chunk.wholeCrc()) && isCrc(chunk.chunkCrc());
    }

    private static boolean isCrc(long value) {
        return value >= 0 && value <= 0xFFFF_FFFFL;
    }

    /** Entries follow their anchor one by one, with terms that never decrease and never pass the leader's. */
    private static boolean plausibleAppend(AppendLogs append) {
        if (append.prevLogIndex() < 0 || append.prevLogTerm() < 0 || append.prevLogTerm() > append.term()
                || append.leaderCommit() < 0 || append.safeCompactIndex() < 0) {
            return false;
        }
        List<LogEntry> entries = append.entries();
        if (append.prevLogIndex() > Long.MAX_VALUE - entries.size() - 1) {
            return false;
        }
        long previousTerm = append.prevLogTerm();
        for (int i = 0; i < entries.size(); i++) {
            LogEntry entry = entries.get(i);
            if (entry.index() != append.prevLogIndex() + 1 + i || entry.term() < previousTerm
                    || entry.term() > append.term()) {
                return false;
            }
            previousTerm = entry.term();
        }
        return true;
    }
}
