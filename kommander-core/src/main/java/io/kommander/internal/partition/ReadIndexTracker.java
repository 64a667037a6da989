package io.kommander.internal.partition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Linearizable reads by ReadIndex (Raft dissertation §6.4): a leader records its commit index, proves it still
 * leads by a heartbeat round acknowledged by a quorum, then answers once it has applied up to that index.
 * Callers that arrive while a round is out share the next round.
 */
final class ReadIndexTracker {

    /** Reads confirmed by a quorum, waiting for the applied index to reach {@code readIndex}. */
    record ConfirmedRead(long readIndex, List<Long> requests) {
    }

    private final ArrayList<Long> waiting = new ArrayList<>();
    private long roundCounter;
    private long roundInFlight;
    private long roundReadIndex;
    private List<Long> roundRequests = List.of();
    /** The members that acknowledged the round in flight; empty between rounds (nearly always, on an idle leader). */
    private List<String> roundAcks = List.of();
    /** Null while no confirmed read waits (nearly always): an idle replica holds no queue. */
    private ArrayDeque<ConfirmedRead> confirmed;

    void request(long requestId) {
        waiting.add(requestId);
    }

    /** The newest round started; leaders stamp it on every AppendLogs. */
    long currentRound() {
        return roundCounter;
    }

    /** Whether no read waits, in a round or for the applied index. */
    boolean idle() {
        return waiting.isEmpty() && roundInFlight == 0 && confirmed == null;
    }

    /**
     * Starts a round that confirms no read, only that followers heard this leader after now (quiescence waits for
     * every follower to acknowledge it); returns its number. Reads' rounds count on from it.
     */
    long nextRound() {
        return ++roundCounter;
    }

    boolean canStartRound() {
        return roundInFlight == 0 && !waiting.isEmpty();
    }

    /**
     * Starts a round for every waiting caller at the given commit index; returns the round number.
     *
     * @param self the leader, which acknowledges its own round, or null if it does not vote (it is being removed)
     */
    long startRound(long readIndex, String self) {
        roundCounter++;
        roundInFlight = roundCounter;
        roundReadIndex = readIndex;
        roundRequests = List.copyOf(waiting);
        waiting.clear();
        roundAcks = self == null ? List.of() : List.of(self);
        return roundInFlight;
    }

    /** Records that {@code peer} acknowledged {@code round}; returns true when the round reaches {@code quorum}. */
    boolean acknowledge(String peer, long round, int quorum) {
        if (roundInFlight == 0 || round < roundInFlight) {
            return false;
        }
        roundAcks = MemberSets.with(roundAcks, peer);
        if (roundAcks.size() >= quorum) {
            if (confirmed == null) {
                confirmed = new ArrayDeque<>(1);
            }
            confirmed.add(new ConfirmedRead(roundReadIndex, roundRequests));
            roundInFlight = 0;
            roundAcks = List.of();
            roundRequests = List.of();
            return true;
        }
        return false;
    }

    /** Removes and returns the requests whose read index is at or below {@code applied}. */
    List<Long> takeApplied(long applied) {
        List<Long> done = new ArrayList<>();
        if (confirmed == null) {
            return done;
        }
        while (!confirmed.isEmpty() && confirmed.peek().readIndex() <= applied) {
            done.addAll(confirmed.poll().requests());
        }
        if (confirmed.isEmpty()) {
            confirmed = null;
        }
        return done;
    }

    /** Removes and returns every pending request (on losing leadership). */
    List<Long> takeAll() {
        List<Long> all = new ArrayList<>(waiting);
        all.addAll(roundRequests);
        if (confirmed != null) {
            confirmed.forEach(c -> all.addAll(c.requests()));
        }
        waiting.clear();
        roundRequests = List.of();
        roundInFlight = 0;
        confirmed = null;
        return all;
    }

    /** The leader fell asleep with no read waiting: the queue gives its storage back until it wakes. */
    void release() {
        waiting.trimToSize();
    }
}
