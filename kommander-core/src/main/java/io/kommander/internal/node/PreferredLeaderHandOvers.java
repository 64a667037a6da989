package io.kommander.internal.node;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Admits this node's hand-overs of the partitions it leads to their preferred leaders (the map's leader preference).
 * Only to a member heard from lately: a transfer to a member that is down fails after an election timeout, and the
 * partition takes no writes meanwhile, so a preferred leader that is down leaves its partitions where they are until
 * it is back. And at most {@link #IN_FLIGHT} at once: a node that comes back takes its leaderships back a few at a
 * time, not in one burst of elections on thousands of partitions.
 *
 * <p>Thread-safe.
 */
final class PreferredLeaderHandOvers {

    /** How many hand-overs to preferred leaders this node may have under way at once. */
    static final int IN_FLIGHT = 16;

    private final Predicate<String> alive;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param alive whether a member's node was heard from within an election timeout */
    PreferredLeaderHandOvers(Predicate<String> alive) {
        this.alive = alive;
    }

    /** Whether a hand-over to {@code target} may start now; if so, it counts until {@link #end}. */
    boolean begin(String target) {
        if (!alive.test(target)) {
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

    /** How many hand-overs are under way. */
    int inFlight() {
        return inFlight.get();
    }
}
