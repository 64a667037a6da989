package io.kommander.sim;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, after every event, the rules of the roster on every running node: at most one member is joining or
 * leaving at once (membership changes go one at a time), and every node that has applied a given version holds the
 * same roster at it (the roster is a function of partition 0's committed log). Negative control:
 * {@link NodeSeams#plantMergedRosterChanges}.
 *
 * <p>And the roster's promotion rule (docs/membership.md, "Adding a node"): when the newest roster any node holds
 * first names a former learner a voter, that node, if it runs, is caught up on every partition it has open: its
 * replica's configuration holds it, and its commit index is within the promotion lag of the leader's commit index
 * it last heard of. The node checked that before it asked; it may have fallen behind since by what was written while
 * the request went round, so the check allows twice the lag. A replica the newest partition map no longer places on
 * the node is left out: the map may move it away while the request goes round, and its leader then takes the node out
 * of its configuration. Negative control: the planted bug
 * {@code ROSTER_PROMOTES_EARLY}.
 *
 * <p>And its removal rule (docs/membership.md, "Removing a node"): when the newest roster first drops a member, the
 * newest configuration of every live user partition that a running replica holds no longer has it a voter. Negative
 * control: the planted bug {@code LEAVE_TRUSTS_THE_MAP}.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class RosterMonitor {

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int partitions;
    private final long promotionLag;
    /** The roster first seen at each version, on any node. */
    private final Map<Long, Roster> byVersion = new HashMap<>();
    /** The newest roster seen on any node. */
    private Roster newest;

    /**
     * @param partitions   the user partitions (1..partitions) besides partition 0
     * @param promotionLag the nodes' {@code promotionLagEntries}
     */
    RosterMonitor(List<SimNode> nodes, SafetyMonitor monitor, int partitions, long promotionLag) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.partitions = partitions;
        this.promotionLag = promotionLag;
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
            if (newest == null || roster.version() > newest.version()) {
                Roster before = newest;
                newest = roster;
                if (before != null) {
                    checkPromotions(before, roster);
                }
            }
        }
    }

    /**
     * Every member a learner in {@code before} and a voter in {@code after} is caught up on every partition; and every
     * member {@code after} removed is held by no partition's newest configuration.
     */
    private void checkPromotions(Roster before, Roster after) {
        for (Member member : after.members().values()) {
            Member was = before.member(member.endpoint());
            if (member.role() == Member.Role.VOTER && was != null && was.role() == Member.Role.LEARNER) {
                checkCaughtUp(member.endpoint(), after.version());
            }
        }
        for (Member was : before.members().values()) {
            if (after.member(was.endpoint()) == null) {
                checkLetGo(was.endpoint(), after.version());
            }
        }
    }

    /**
     * The roster's removal rule (docs/membership.md, "Removing a node"): when the newest roster first drops a member,
     * no user partition still holds it. For each partition, the newest configuration any running replica holds (the
     * highest configuration index) stands for the partition's: a configuration is appended on a majority before a
     * leader counts it committed, so whenever the removal was committed some running replica holds it, unless a
     * majority of the partition's members is down at that instant.
     */
    private void checkLetGo(String endpoint, long version) {
        PartitionMap map = newestMap();
        if (map == null) {
            return;
        }
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.id() == 0 || partition.state() == PartitionState.REMOVED) {
                continue;
            }
            ReplicaView newest = null;
            int holder = -1;
            for (SimNode node : nodes) {
                RaftPartition replica = node.manager() == null ? null : NodeSeams.partition(node.manager(),
                        partition.id());
                ReplicaView view = replica == null ? null : replica.view();
                if (view != null && view.configuration() != null && view.configurationIndex() >= 1
                        && (newest == null || view.configurationIndex() > newest.configurationIndex())) {
                    newest = view;
                    holder = node.index();
                }
            }
            if (newest != null && newest.configuration().voters().contains(endpoint)) {
                monitor.fail("roster removal: " + endpoint + " is out of the roster at version " + version
                        + " while the newest configuration of p" + partition.id() + " (index "
                        + newest.configurationIndex() + ", on n" + holder + ") still has it a voter: "
                        + newest.configuration() + " (the roster removes a member once no partition holds it)");
                return;
            }
        }
    }

    /** The partition map of the highest version any running node has applied; null if none has one. */
    private PartitionMap newestMap() {
        PartitionMap newestMap = null;
        for (SimNode node : nodes) {
            PartitionMap map = node.manager() == null ? null : node.manager().getPartitionMap();
            if (map != null && (newestMap == null || map.version() > newestMap.version())) {
                newestMap = map;
            }
        }
        return newestMap;
    }

    /**
     * Whether {@code map} places user partition {@code p} on other nodes only: the replica {@code endpoint} still has
     * open is being retired (its leader takes it out of the configuration), so the promotion rule, which is about the
     * partitions the node serves, does not apply to it.
     */
    private static boolean movedAway(PartitionMap map, int p, String endpoint) {
        if (map == null || p == 0) {
            return false;
        }
        return map.partition(p).map(d -> !d.replicas().isEmpty() && !d.replicas().contains(endpoint)).orElse(false);
    }

    private void checkCaughtUp(String endpoint, long version) {
        SimNode node = nodes.stream().filter(n -> n.endpoint().equals(endpoint)).findFirst().orElse(null);
        RaftNode manager = node == null ? null : node.manager();
        if (manager == null) {
            return;
        }
        PartitionMap map = newestMap();
        for (int p = 0; p <= partitions; p++) {
            RaftPartition replica = NodeSeams.partition(manager, p);
            ReplicaView view = replica == null ? null : replica.view();
            if (view == null || view.configuration() == null || movedAway(map, p, endpoint)) {
                continue;
            }
            long lag = view.leaderCommit() - view.commitIndex();
            if (!view.configuration().contains(endpoint) || lag > 2 * promotionLag) {
                monitor.fail("roster promotion: n" + node.index() + " is a voter at membership version " + version
                        + " while its replica of p" + p + (view.configuration().contains(endpoint)
                        ? " lags the leader's commit index " + view.leaderCommit() + " by " + lag + " entries"
                        : " does not hold a configuration with it") + " (a learner is promoted once caught up on"
                        + " every partition, within " + promotionLag + " entries)");
                return;
            }
        }
    }
}
