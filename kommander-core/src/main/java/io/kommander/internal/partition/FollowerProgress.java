package io.kommander.internal.partition;

/**
 * What a leader knows about one follower's log. In PROBE state the leader sends one AppendLogs at a time until it
 * finds where the logs match; in REPLICATE state it pipelines up to the in-flight window; in SNAPSHOT state (the
 * follower needs entries the leader has compacted) it sends its snapshot, one chunk at a time.
 */
final class FollowerProgress {

    enum State { PROBE, REPLICATE, SNAPSHOT }

    static final int FIRST_CHUNK_PATIENCE = 2;
    static final int MAX_CHUNK_PATIENCE = 32;

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
     * Heartbeats to wait for a chunk's answer before sending it again: {@link #FIRST_CHUNK_PATIENCE}, doubled at each
     * resend that goes unanswered (up to {@link #MAX_CHUNK_PATIENCE}), back to the first once the follower answers
     * anything. A follower that is down then takes a sliver of the node's snapshot budget, not all of it.
     */
    int chunkPatience = FIRST_CHUNK_PATIENCE;
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

    /** The follower answered something at {@code now}: it is up, so a lost chunk is worth sending again soon. */
    void heardFrom(long now) {
        recentActive = true;
        lastHeardAt = now;
        chunkPatience = FIRST_CHUNK_PATIENCE;
    }

    /**
     * A heartbeat round in SNAPSHOT state: whether the chunk out has gone unanswered for this follower's patience
     * (the chunk or its answer was lost, or the follower is down), so it is to be sent again; each such resend
     * doubles the patience, unless {@code backOff} is false.
     */
    boolean chunkUnanswered(boolean backOff) {
        if (!chunkSent || ++chunkHeartbeats < chunkPatience) {
            return false;
        }
        chunkSent = false;
        if (backOff) {
            chunkPatience = Math.min(chunkPatience * 2, MAX_CHUNK_PATIENCE);
        }
        return true;
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
