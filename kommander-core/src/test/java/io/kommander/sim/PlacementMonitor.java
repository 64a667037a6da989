package io.kommander.sim;

import io.kommander.Member;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks, after every event of a run whose partitions are placed on some members only, that a replica moves without
 * thinning the partition: a leader that takes a member still in the roster out of a placed partition's configuration
 * (a replica the map moved away, not a member the roster removed) keeps at least as many voters as the partition's
 * target has, the map's replicas that are voters or leaving members of the roster, as the leader's node knows them.
 * So the replacement was added, caught up and promoted before the old replica went: the partition never runs on fewer
 * voters than its replication factor because of a move, and a majority of the old voters holds the log throughout.
 *
 * <p>Not checked, because not guaranteed: an upper bound on the members during a move. One change at a time keeps a
 * single move at R + 1, but a partition whose move the balancer cannot watch (partition 0's leader does not host it)
 * may be moved again before the first move ends, and its configuration then briefly holds both newcomers. That the
 * voters end up exactly the replicas, live members of the newest roster, is the run's settle condition
 * ({@link NodeChanges#settled}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class PlacementMonitor {

    private record Replica(int node, int partition) {
    }

    private final java.util.List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** Each replica's view at the previous check. */
    private final Map<Replica, ReplicaView> previous = new HashMap<>();

    PlacementMonitor(java.util.List<SimNode> nodes, SafetyMonitor monitor, int partitions) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.partitions = partitions;
    }

    /** Looks at every running leader of a user partition whose configuration changed since the last check. */
    void check() {
        RunningReplicas.forEach(nodes, partitions, (node, p, view) -> {
            ReplicaView before = previous.put(new Replica(node.index(), p), view);
            if (p != 0 && view.leader() && before != null && before.leader() && before.term() == view.term()
                    && before.configuration() != view.configuration()) {
                checkRemovals(node, p, before, view);
            }
        });
    }

    private void checkRemovals(SimNode leader, int p, ReplicaView before, ReplicaView view) {
        Set<String> replicas = leader.replicasOf(p);
        Roster roster = leader.manager() == null ? null : NodeSeams.roster(leader.manager());
        if (replicas.isEmpty() || roster == null) {
            return;
        }
        long target = replicas.stream().filter(r -> placeable(roster, r)).count();
        for (String member : before.configuration().voters()) {
            if (view.configuration().isVoter(member) || !roster.members().containsKey(member)) {
                continue;
            }
            if (view.configuration().voters().size() < target) {
                monitor.fail("placement: n" + leader.index() + " took " + member + " out of p" + p + " in term "
                        + view.term() + ", leaving the voters " + view.configuration().voters() + " (learners "
                        + view.configuration().learners() + "), fewer than its " + target + " placed replicas "
                        + replicas + ": a moved replica went before its replacement was a caught-up voter");
            }
        }
    }

    /** Whether the roster lets {@code endpoint} vote in a placed partition (a voter, or a member leaving). */
    private static boolean placeable(Roster roster, String endpoint) {
        Member member = roster.members().get(endpoint);
        return member != null && (member.role() == Member.Role.VOTER || member.role() == Member.Role.LEAVING);
    }
}
