package io.kommander.sim;

import io.kommander.Member;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.system.Roster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, after every event, the two rules of the roster on every running node: at most one member is joining or
 * leaving at once (membership changes go one at a time), and every node that has applied a given version holds the
 * same roster at it (the roster is a function of partition 0's committed log). Negative control:
 * {@link NodeSeams#plantMergedRosterChanges}.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class RosterMonitor {

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    /** The roster first seen at each version, on any node. */
    private final Map<Long, Roster> byVersion = new HashMap<>();

    RosterMonitor(List<SimNode> nodes, SafetyMonitor monitor) {
        this.nodes = nodes;
        this.monitor = monitor;
    }

    /** Looks at every running node's roster. */
    void check() {
        for (SimNode node : nodes) {
            RaftNode manager = node.manager();
            Roster roster = manager == null ? null : NodeSeams.roster(manager);
            if (roster == null) {
                continue;
            }
            long changing = roster.members().values().stream().filter(m -> m.role() != Member.Role.VOTER).count();
            if (changing > 1) {
                monitor.fail("roster: n" + node.index() + " has " + changing + " members joining or leaving at once"
                        + " at version " + roster.version() + " (one change at a time): " + roster.members().values());
            }
            Roster seen = byVersion.putIfAbsent(roster.version(), roster);
            if (seen != null && !seen.equals(roster)) {
                monitor.fail("roster: n" + node.index() + " holds " + roster.members().values() + " at version "
                        + roster.version() + ", another node held " + seen.members().values());
            }
        }
    }
}
