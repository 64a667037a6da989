package io.kommander.internal.node;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether a node that started with an empty WAL is taking part in the cluster's first start (every replica may vote
 * at once) or rejoins a cluster that stored data (every replica catches up before it votes). Decided from what each
 * initial member reported, the first time this process reached it, about holding log entries: first start once a
 * majority of the initial members, this node included, reported none and none reported any; catch-up as soon as
 * one reported entries (this node included, after a crash during its catch-up). Final once decided.
 *
 * <p>The one case it cannot tell apart: a node that lost its data and comes back while every member holding data is
 * unreachable and a majority never stored anything looks exactly like a first start.
 *
 * <p>Thread-safe.
 */
final class FirstStartDecision {

    /** Where the decision stands. */
    enum Outcome { PENDING, FIRST_START, CATCH_UP }

    private final Set<String> members;
    private final Set<String> reportedNone = new HashSet<>();
    private final Set<String> reported = new HashSet<>();
    private Outcome outcome = Outcome.PENDING;

    /** @param members the initial members, this node included */
    FirstStartDecision(Set<String> members) {
        this.members = Set.copyOf(members);
    }

    /**
     * What {@code member} held when first reached (later reports of the same member, and non-members, are
     * ignored); returns the outcome after it.
     */
    synchronized Outcome report(String member, boolean holdsEntries) {
        if (outcome != Outcome.PENDING || !members.contains(member) || !reported.add(member)) {
            return outcome;
        }
        if (holdsEntries) {
            outcome = Outcome.CATCH_UP;
        } else if (reportedNone.add(member) && reportedNone.size() > members.size() / 2) {
            outcome = Outcome.FIRST_START;
        }
        return outcome;
    }

    /** The members not heard from yet. */
    synchronized Set<String> unheard() {
        Set<String> unheard = new HashSet<>(members);
        unheard.removeAll(reported);
        return unheard;
    }

    synchronized Outcome outcome() {
        return outcome;
    }
}
