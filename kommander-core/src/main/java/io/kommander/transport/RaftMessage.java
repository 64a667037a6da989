package io.kommander.transport;

import io.kommander.wal.LogEntry;

import java.util.List;

/**
 * A Raft protocol message between two nodes about one partition. The sender is carried once per
 * {@link MessageBatch}, not per message. Every message carries the sender's current term.
 */
public sealed interface RaftMessage {

    /** The partition the message is about. */
    int partition();

    /** The sender's current term. */
    long term();

    /**
     * An upper bound, in bytes, of the message in a compact binary encoding: one byte per type or flags, every
     * number a varint (at most 5 bytes for an int, 10 for a long), every string and byte array its length (a
     * varint) then its bytes, strings in UTF-8. The node's batch limits count with it, and a transport whose
     * encoding is that compact can rely on it as a bound. Messages other than AppendLogs take at most 37 bytes.
     */
    default int sizeEstimate() {
        return 48;
    }

    /**
     * A request for a vote (or, with {@code preVote}, for a non-binding pre-vote for {@code term}).
     *
     * @param lastLogIndex index of the candidate's last entry
     * @param lastLogTerm  term of the candidate's last entry
     * @param preVote      a pre-vote: the receiver changes no state
     * @param transfer     sent after a leadership transfer's TimeoutNow: voters ignore their leader lease
     */
    record RequestVote(int partition, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
                       boolean transfer) implements RaftMessage {
    }

    /**
     * The answer to a {@link RequestVote}.
     *
     * @param granted whether the vote (or pre-vote) was granted
     * @param preVote whether it answers a pre-vote
     */
    record VoteResponse(int partition, long term, boolean granted, boolean preVote) implements RaftMessage {
    }

    /**
     * Entries (possibly none: a heartbeat) that follow the entry at (prevLogIndex, prevLogTerm) in the leader's log.
     *
     * @param prevLogIndex index of the entry just before {@code entries}
     * @param prevLogTerm  term of that entry
     * @param entries      the entries, contiguous from prevLogIndex + 1
     * @param leaderCommit the leader's commit index
     * @param round        the leader's heartbeat round, echoed back for ReadIndex confirmation
     * @param safeCompactIndex the highest index every member is known to hold durably: the receiver may compact
     *                     up to its last checkpoint at or below it
     */
    record AppendLogs(int partition, long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries,
                      long leaderCommit, long round, long safeCompactIndex) implements RaftMessage {

        /**
         * The bound of everything but the entries: the type, the partition, six longs and the entry count. The
         * whole message is bounded by this plus each entry's {@link LogEntry#sizeEstimate()}.
         */
        public static final int HEADER_BYTES = 1 + 5 + 6 * 10 + 5;

        /** Canonical constructor; copies the entry list. */
        public AppendLogs {
            entries = List.copyOf(entries);
        }

        @Override
        public int sizeEstimate() {
            long size = HEADER_BYTES;
            for (LogEntry entry : entries) {
                size += entry.sizeEstimate();
            }
            return (int) Math.min(Integer.MAX_VALUE, size);
        }
    }

    /**
     * The answer to {@link AppendLogs}, sent only once what it acknowledges is durable.
     *
     * @param success    whether the entries were accepted
     * @param matchIndex on success, the last index known to match the leader's log; on failure, a hint: the
     *                   follower's last index, from which the leader probes back
     * @param round      the round of the {@link AppendLogs} answered
     */
    record AppendLogsResponse(int partition, long term, boolean success, long matchIndex, long round)
            implements RaftMessage {
    }

    /**
     * Tells a caught-up follower to start an election now (leadership transfer).
     *
     * @param lastLogIndex the leader's last index when it sent this, which the target holds: writes are paused
     *                     during a transfer, and a transfer that ends unfinished makes the leader append an entry of
     *                     its term, so a target holding an entry of {@code term} beyond this index knows the transfer
     *                     is over and ignores the message
     */
    record TimeoutNow(int partition, long term, long lastLogIndex) implements RaftMessage {
    }

    /**
     * One chunk of a snapshot a leader sends to a follower that needs entries the leader has compacted. The
     * snapshot is identified by its boundary and its whole checksum, so a follower that holds part of it (from an
     * earlier connection, or an earlier leader offering the same snapshot) resumes where it stopped.
     *
     * @param index      the snapshot's boundary: the index of the last entry it covers
     * @param indexTerm  the term of that entry
     * @param totalBytes the size of the whole snapshot, in bytes
     * @param wholeCrc   the CRC32C of the whole snapshot (an unsigned 32-bit value)
     * @param offset     where in the snapshot {@code data} starts
     * @param data       the chunk's bytes
     * @param chunkCrc   the CRC32C of {@code data}
     */
    record InstallSnapshot(int partition, long term, long index, long indexTerm, long totalBytes, long wholeCrc,
                           long offset, byte[] data, long chunkCrc) implements RaftMessage {

        /** The bound of everything but the data: the type, the partition, seven longs and the data's length. */
        public static final int HEADER_BYTES = 1 + 5 + 7 * 10 + 5;

        /** Whether the chunk ends the snapshot. */
        public boolean last() {
            return offset + data.length == totalBytes;
        }

        @Override
        public int sizeEstimate() {
            return HEADER_BYTES + data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InstallSnapshot m && partition == m.partition && term == m.term && index == m.index
                    && indexTerm == m.indexTerm && totalBytes == m.totalBytes && wholeCrc == m.wholeCrc
                    && offset == m.offset && chunkCrc == m.chunkCrc && java.util.Arrays.equals(data, m.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(partition, term, index, offset, wholeCrc) * 31
                    + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "InstallSnapshot[partition=" + partition + ", term=" + term + ", index=" + index + ", indexTerm="
                    + indexTerm + ", totalBytes=" + totalBytes + ", wholeCrc=" + wholeCrc + ", offset=" + offset
                    + ", data=" + data.length + " bytes, chunkCrc=" + chunkCrc + "]";
        }
    }

    /**
     * A request to change the cluster's roster, sent by any node (a node not yet in the roster included, to join) to
     * the node it believes leads the system partition. Node-level: {@code partition} is 0 and {@code term} is 0.
     *
     * @param requestId   the sender's id of the request, echoed in the {@link RosterResponse}
     * @param kind        what to change: 1 join (as a learner), 2 promote to voter, 3 start leaving, 4 remove a
     *                    leaving member, 5 report the member's node id and incarnation; or 6, a report that changes
     *                    nothing: a partition the sender leads refuses to take the leaving member out for want of
     *                    current voters
     * @param endpoint    the member concerned, {@code host:port}
     * @param nodeId      the member's node id (join, report), else 0
     * @param incarnation the member's incarnation (join, report), else 0
     */
    record RosterRequest(int partition, long term, long requestId, int kind, String endpoint, int nodeId,
                         long incarnation) implements RaftMessage {

        /** The highest kind number. */
        public static final int MAX_KIND = 6;

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 10 + 5 + 5 + 3 * endpoint.length() + 5 + 10;
        }
    }

    /**
     * The answer to an {@link InstallSnapshot}: how much of which snapshot the follower holds.
     *
     * @param index     the boundary of the snapshot answered
     * @param wholeCrc  its whole checksum
     * @param heldBytes how many of its bytes, from the start, the follower holds and verified: the leader sends
     *                  from there
     * @param installed the follower installed the snapshot (or already held everything up to its boundary
     *                  committed): the leader goes on from the log after {@code index}
     */
    record InstallSnapshotResponse(int partition, long term, long index, long wholeCrc, long heldBytes,
                                   boolean installed) implements RaftMessage {
    }

    /**
     * The answer to a {@link RosterRequest}, from the node that took it.
     *
     * @param requestId  the request's id
     * @param status     the outcome, a {@code RaftOperationStatus} name: {@code Success} once the change committed
     *                   (or had already), {@code NodeIsNotLeader} with a hint, or why it was refused
     * @param version    the membership version the answering node knows after the outcome
     * @param leaderHint the system partition's leader as the answering node knows it, or {@code ""}
     */
    record RosterResponse(int partition, long term, long requestId, String status, long version, String leaderHint)
            implements RaftMessage {

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 10 + 5 + 3 * status.length() + 10 + 5 + 3 * leaderHint.length();
        }
    }

    /**
     * A partition map change asked of the system partition's leader (partition 0, term 0: it is about the cluster,
     * not about one replica's log), by whichever node the application called.
     *
     * @param requestId   the sender's id of the request, echoed in the {@link PartitionMapResponse}
     * @param kind        1 create a partition, 2 remove one (drain, then remove), 3 split one, 4 finish a split
     * @param partitionId the partition to remove, split or finish splitting; 0 for a create
     * @param routed      for a create, whether the new partition takes the range {@code [first, last]}; true for a
     *                    split
     * @param first       the range's first hash (unsigned), when routed; for a split, its boundary; else 0
     * @param last        the range's last hash (unsigned), when routed (for a split, {@code 0xffffffffffffffff}:
     *                    to the end of the source's range); else 0
     */
    record PartitionMapRequest(int partition, long term, long requestId, int kind, int partitionId, boolean routed,
                               long first, long last) implements RaftMessage {

        /** The kind number of a create. */
        public static final int CREATE = 1;
        /** The kind number of a removal. */
        public static final int REMOVE = 2;
        /** The kind number of a split: the partition's keys from {@code first} on move to a new partition. */
        public static final int SPLIT = 3;
        /** The kind number of a split's finish, asked by the new half's leader once it holds its seed. */
        public static final int FINISH_SPLIT = 4;
        /** The kind number of a merge: partition {@code first} merges into {@code partitionId}. */
        public static final int MERGE = 5;
        /** The kind number of a merge's finish, asked by the survivor's leader once it holds the adjacent's state. */
        public static final int FINISH_MERGE = 6;

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 10 + 5 + 5 + 1 + 10 + 10;
        }
    }

    /**
     * The answer to a {@link PartitionMapRequest}, from the node that took it.
     *
     * @param requestId   the request's id
     * @param status      the outcome, a {@code RaftOperationStatus} name
     * @param mapVersion  the partition map's version the answering node knows after the outcome
     * @param partitionId the partition concerned (the new one for a create), or 0 if the request was refused
     *                    before one was chosen
     * @param leaderHint  the system partition's leader as the answering node knows it, or {@code ""}
     */
    record PartitionMapResponse(int partition, long term, long requestId, String status, long mapVersion,
                                int partitionId, String leaderHint) implements RaftMessage {

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 10 + 5 + 3 * status.length() + 10 + 5 + 5 + 3 * leaderHint.length();
        }
    }

    /**
     * A leader's word that its partition goes quiet: it holds nothing more than {@code index}, every follower has
     * acknowledged that much and the commit of it, and it stops ticking and heartbeating the partition. A follower
     * holding (index, indexTerm) committed quiesces too (stops its election timer); one that does not answers with
     * an {@link AppendLogsResponse}, which wakes the leader.
     *
     * @param index     the leader's last index, committed
     * @param indexTerm the term of the entry at {@code index}
     */
    record Quiesce(int partition, long term, long index, long indexTerm) implements RaftMessage {
    }

    /**
     * Node-level liveness: one per peer per heartbeat interval, for all partitions at once. While a quiesced
     * partition's leader's node is heard from, its followers sleep; when it falls silent for an election timeout
     * they wake and elect. Node-level: {@code partition} is 0 and {@code term} is 0.
     *
     * @param bootId identifies the sender's process lifetime: a new value means the node restarted, and the
     *               partitions that slept under it wake
     */
    record NodeHeartbeat(int partition, long term, long bootId) implements RaftMessage {
    }

    /**
     * A replica's question to another member of its partition: does your committed configuration still hold me? Sent
     * by a replica whose node's partition map places the partition elsewhere and that has not learnt it was taken out
     * (it was cut off when its leader took it out, and its leader no longer sends to it). Answered only with a
     * {@link ReplicaRemoved}, by a replica whose committed configuration does not hold the sender; otherwise not at
     * all. Handled by the node, never by the partition's Raft state.
     *
     * @param configurationIndex the index of the configuration the asking replica holds (the latest in its log;
     *                           0 for a fresh log's)
     */
    record MembershipQuery(int partition, long term, long configurationIndex) implements RaftMessage {
    }

    /**
     * The answer to a {@link MembershipQuery}: the sender's committed configuration, whose entry is at
     * {@code configurationIndex}, does not hold the receiver. The receiver takes it as proof that it was taken out only
     * if the configuration it holds is at or below that index (a committed configuration at least as new as its own
     * excludes it); then it closes its replica and deletes its data.
     *
     * @param configurationIndex the index of the sender's committed configuration's entry (at least 1)
     */
    record ReplicaRemoved(int partition, long term, long configurationIndex) implements RaftMessage {
    }

    /**
     * Partition 0's leader's question, while {@code member} leaves the cluster, about a partition it does not host:
     * does your committed configuration of {@code partition} still hold {@code member}? Answered only with a
     * {@link MemberReleased}, by the partition's leader whose committed configuration does not hold it; otherwise not
     * at all. Handled by the node, never by the partition's Raft state.
     *
     * @param member the leaving member's endpoint
     */
    record ReleaseQuery(int partition, long term, String member) implements RaftMessage {

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 5 + 3 * member.length();
        }
    }

    /**
     * The answer to a {@link ReleaseQuery}: the sender leads {@code partition}, and its committed configuration does
     * not hold {@code member}. A leaving member is never added back, so the answer stays true.
     *
     * @param member the leaving member's endpoint
     */
    record MemberReleased(int partition, long term, String member) implements RaftMessage {

        @Override
        public int sizeEstimate() {
            return 1 + 5 + 10 + 5 + 3 * member.length();
        }
    }
}
