package io.kommander.internal.partition;

/**
 * What a leader knows about one follower's log. In PROBE state the leader sends one AppendLogs at a time until it
 * finds where the logs match; in REPLICATE state it pipelines up to the in-flight window; in SNAPSHOT state (the
 * follower needs entries the leader has compacted) it sends its snapshot, one chunk at a time.
 */
final class FollowerProgress {

    enum State { PROBE, REPLICATE, SNAPSHOT }

    final String peer;
    final Inflights inflights;
    State state = State.PROBE;
    long matchIndex;
    long nextIndex;
    /** In PROBE: an AppendLogs is out and unanswered; cleared by a response or the next heartbeat tick. */
    boolean probeSent;
    /** Heard from since the last check-quorum round. */
    boolean recentActive;
    /** A WAL read for this follower's catch-up is outstanding. */
    boolean readPending;
    /** When this follower last answered anything (virtual or real millis); -1 never. */
    long lastHeardAt = -1;
    /** The newest heartbeat round this follower acknowledged. */
    long ackedRound;
    /** When this follower last made progress (virtual or real millis), to detect a stalled pipeline. */
    long lastProgressAt;
    /** In SNAPSHOT: the snapshot sent (its boundary index and CRC), the bytes the follower holds, a chunk is out. */
    long snapshotIndex;
    long snapshotCrc;
    long snapshotHeld;
    boolean chunkSent;
    /** Heartbeats since the last chunk went out, to send it again if it was lost. */
    int chunkHeartbeats;
    /**
     * An AppendLogs carrying entries (so this leader's term and commit) went out since the last heartbeat round
     * began: the follower heard from the leader within a heartbeat interval, so the next round skips its heartbeat.
     */
    boolean contactedThisRound;

    FollowerProgress(String peer, long nextIndex, int window, long now) {
        this.peer = peer;
        this.nextIndex = nextIndex;
        this.inflights = new Inflights(window);
        this.lastProgressAt = now;
    }

    void becomeProbe() {
        state = State.PROBE;
        nextIndex = matchIndex + 1;
        probeSent = false;
        inflights.clear();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        nextIndex = matchIndex + 1;
        probeSent = false;
        inflights.clear();
    }

    /** Starts sending the snapshot at {@code index} (with whole checksum {@code crc}) from its start. */
    void becomeSnapshot(long index, long crc) {
        state = State.SNAPSHOT;
        snapshotIndex = index;
        snapshotCrc = crc;
        snapshotHeld = 0;
        chunkSent = false;
        inflights.clear();
    }

    /** Whether another AppendLogs carrying entries may be sent now (never while a snapshot is sent). */
    boolean canSendEntries() {
        return switch (state) {
            case PROBE -> !probeSent;
            case REPLICATE -> !inflights.full();
            case SNAPSHOT -> false;
        };
    }
}
