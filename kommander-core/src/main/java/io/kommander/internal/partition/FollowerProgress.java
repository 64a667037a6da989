package io.kommander.internal.partition;

/**
 * What a leader knows about one follower's log. In PROBE state the leader sends one AppendLogs at a time until it
 * finds where the logs match; in REPLICATE state it pipelines up to the in-flight window.
 */
final class FollowerProgress {

    enum State { PROBE, REPLICATE }

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
    /** The newest heartbeat round this follower acknowledged. */
    long ackedRound;
    /** When this follower last made progress (virtual or real millis), to detect a stalled pipeline. */
    long lastProgressAt;

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

    /** Whether another AppendLogs carrying entries may be sent now. */
    boolean canSendEntries() {
        return state == State.PROBE ? !probeSent : !inflights.full();
    }
}
