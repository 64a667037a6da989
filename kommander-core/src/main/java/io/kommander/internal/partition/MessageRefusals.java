package io.kommander.internal.partition;

/**
 * Messages the state machine refused, counted by reason: every message is either handled by the receiver's role
 * or counted here, never dropped silently.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class MessageRefusals {

    /** Why a message was refused. */
    enum Reason {
        /** The replica has not finished restoring from its WAL. */
        NOT_RESTORED,
        /** The sender is not a member of the partition. */
        UNKNOWN_SENDER,
        /** The message carries an older term. */
        STALE_TERM,
        /** A vote request that would depose a leader this replica heard from within the election timeout. */
        LEADER_LEASE,
        /** A TimeoutNow whose transfer is over: the leader has appended in its term since it sent it. */
        STALE_TRANSFER,
        /** A message the receiver's role has no use for (a vote answer after the election, say). */
        UNEXPECTED_FOR_ROLE,
        /**
         * A message no correct peer could have sent: a term further ahead than
         * {@link RaftPartitionStateMachine#MAX_TERM_LEAD}, a negative term or index, entries that do not follow their
         * anchor, an acknowledgement of entries never sent. Never adopted.
         */
        IMPLAUSIBLE,
        /** Entries or a chunk while a snapshot is being installed, or a chunk for a replica without snapshots. */
        SNAPSHOT_BUSY,
        /**
         * On a quiesced replica, traffic sent before it fell asleep that carries nothing new (a heartbeat of the
         * quiesced log, an acknowledgement of it): it must not wake the partition.
         */
        QUIESCED_ECHO
    }

    private static final int REASONS = Reason.values().length;

    /** Null until the first refusal: most replicas of a busy node never refuse anything. */
    private long[] counts;

    void record(Reason reason) {
        if (counts == null) {
            counts = new long[REASONS];
        }
        counts[reason.ordinal()]++;
    }

    /** Messages refused for {@code reason} so far. */
    long count(Reason reason) {
        return counts == null ? 0 : counts[reason.ordinal()];
    }

    /** Messages refused so far, for any reason. */
    long total() {
        long total = 0;
        if (counts == null) {
            return 0;
        }
        for (long count : counts) {
            total += count;
        }
        return total;
    }
}
