package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.Quiesce;

import java.util.function.LongPredicate;

/**
 * Whether one replica sleeps, and the leader's way there (dragonboat's quiesce). A leader that stayed idle (nothing
 * to replicate, commit or answer; see {@link Leadership#idle()}) for {@link PartitionSettings#quiesceAfterTicks()}
 * ticks starts a heartbeat round; once every follower acknowledged that round, each holds the whole log and its
 * commit, so the leader sends them {@link Quiesce} and stops ticking. A follower that holds what the Quiesce names
 * sleeps too: no election timer. Node-level liveness, not per-partition heartbeats, then watches the leader.
 *
 * <p>Waking is {@link QuiescenceWaking}'s business: any message, any request to the leader, or the leader's node
 * falling silent. A quiesced replica is fully replicated, so sleeping hides no work.
 *
 * <p>Not thread-safe: part of a {@link RaftPartitionStateMachine}, owned by the partition's executor.
 */
final class Quiescence {

    private final int afterTicks;
    private boolean quiesced;
    private int idleTicks;
    /** The heartbeat round whose acknowledgement by every follower lets the leader quiesce; 0 until started. */
    private long round;
    /** The index this replica quiesced at: the leader's last (and committed) index. */
    private long index;
    /** On a follower: the newest heartbeat round its leader's AppendLogs carried. */
    private long roundSeen;

    Quiescence(PartitionSettings settings) {
        this.afterTicks = settings.quiesceAfterTicks();
    }

    /** Whether quiescence is on at all. */
    boolean enabled() {
        return afterTicks > 0;
    }

    /** Whether this replica sleeps: no ticks, no heartbeats, no election timer. */
    boolean quiesced() {
        return quiesced;
    }

    /** The index this replica quiesced at: known to match the leader's log through it. */
    long index() {
        return index;
    }

    /** What a leader's tick asks of its followers on the way to quiescence. */
    enum Step {
        /** Nothing: not idle long enough, or waiting for the round's acknowledgements. */
        WAIT,
        /** Start a heartbeat round ({@link #roundStarted}) and send it to every follower. */
        START_ROUND,
        /** Every follower acknowledged: send them Quiesce; the leader now sleeps. */
        QUIESCE
    }

    /**
     * A leader's tick: counts idle ticks and says what to do next.
     *
     * @param idle         whether the leader has nothing to do now
     * @param acknowledged whether every follower acknowledged the started round (read only once one is)
     * @param lastIndex    the leader's last index (committed when idle)
     */
    Step leaderTick(boolean idle, LongPredicate acknowledged, long lastIndex) {
        if (!enabled() || !idle) {
            idleTicks = 0;
            round = 0;
            return Step.WAIT;
        }
        if (++idleTicks < afterTicks) {
            return Step.WAIT;
        }
        if (round == 0) {
            return Step.START_ROUND;
        }
        if (!acknowledged.test(round)) {
            return Step.WAIT;
        }
        quiesced = true;
        index = lastIndex;
        return Step.QUIESCE;
    }

    /** A follower saw its leader's heartbeat round {@code round}. */
    void roundSeen(long round) {
        roundSeen = Math.max(roundSeen, round);
    }

    /** On a follower: the newest heartbeat round seen; a later one is news (a read round, a quiescence round). */
    long roundSeen() {
        return roundSeen;
    }

    /** The leader started round {@code number}, stamped on the heartbeats that prove the followers caught up. */
    void roundStarted(long number) {
        round = number;
    }

    /** A follower holding {@code at} committed follows its leader to sleep. */
    void followerQuiesce(long at) {
        quiesced = true;
        index = at;
    }

    /** Wakes: counting idle ticks starts over. Returns whether it slept. */
    boolean wake() {
        boolean was = quiesced;
        quiesced = false;
        idleTicks = 0;
        round = 0;
        return was;
    }
}
