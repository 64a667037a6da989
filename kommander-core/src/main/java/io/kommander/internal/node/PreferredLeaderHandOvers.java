package io.kommander.internal.node;

import io.kommander.PartitionStatus;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Admits this node's hand-overs of the partitions it leads to their preferred leaders (the map's leader preference).
 * Only to a member heard from lately, whose replica holds every committed entry ({@link #caughtUp}): a transfer to a
 * member that is down, or that must first be rebuilt by a snapshot, fails after an election timeout, the partition
 * takes no writes meanwhile and ends it with a barrier entry of its own. Tried again at every reconciler pass, such
 * transfers would stall the partition for good, and restart the snapshot that the lagging replica needs to catch up.
 * So a preferred leader that is down, or behind, leaves its partitions where they are until it is back and caught up.
 * And at most {@link #IN_FLIGHT} at once: a node that comes back takes its leaderships back a few at a time, not in
 * one burst of elections on thousands of partitions. None at all when the node's configuration turns leader balancing
 * off ({@link io.kommander.RaftConfiguration#leaderBalancing}).
 *
 * <p>Thread-safe.
 */
final class PreferredLeaderHandOvers {

    /** How many hand-overs to preferred leaders this node may have under way at once. */
    static final int IN_FLIGHT = 16;

    private final boolean enabled;
    private final Predicate<String> alive;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param enabled whether this node hands leaderships to preferred leaders at all
     * @param alive   whether a member's node was heard from within an election timeout
     */
    PreferredLeaderHandOvers(boolean enabled, Predicate<String> alive) {
        this.enabled = enabled;
        this.alive = alive;
    }

    /** Whether a hand-over to {@code target} may start now; if so, it counts until {@link #end}. */
    boolean begin(String target) {
        if (!enabled || !alive.test(target)) {
            return false;
        }
        while (true) {
            int now = inFlight.get();
            if (now >= IN_FLIGHT) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A hand-over that {@link #begin} admitted ended, whatever its outcome. */
    void end() {
        inFlight.decrementAndGet();
    }

    /** Whether the leader's {@code status} shows {@code target}'s replica holding every entry committed so far. */
    static boolean caughtUp(PartitionStatus status, String target) {
        return status.followers().stream().anyMatch(f -> f.endpoint().equals(target)
                && f.matchIndex() >= status.commitIndex());
    }

    /** How many hand-overs are under way. */
    int inFlight() {
        return inFlight.get();
    }
}
