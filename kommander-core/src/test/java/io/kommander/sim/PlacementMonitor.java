package io.kommander.sim;

import io.kommander.Member;
import io.kommander.PartitionMap;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks, after every event of a run whose partitions are placed on some members only, that a replica moves within
 * bounds, both ways, as the leader's node knows the map and the roster.
 *
 * <p>Not thinner: a leader that takes a member still in the roster out of a placed partition's configuration (a
 * replica the map moved away, not a member the roster removed) keeps at least as many voters as the partition's
 * target has, the map's replicas that are voters or leaving members of the roster. So the replacement was added,
 * caught up and promoted before the old replica went: the partition never runs on fewer voters than its replication
 * factor because of a move, and a majority of the old voters holds the log throughout.
 *
 * <p>Not wider: a leader that adds a member to a placed partition's configuration leaves it at most the map's
 * replicas + 1 members (R + 1), even when the map moves the partition again before its first move ended (a member
 * missing while the configuration is full: the leader takes out one the map no longer names first). The replicas are
 * the largest count the leader's node knew since the configuration before the addition appeared (the reconciler
 * decided in between); an addition whose window saw the partition unplaced (on every member, or unknown) is not
 * judged: a partition placed for the first time may hold every member and shrinks from there. That the voters end up
 * exactly the replicas, live members of the newest roster, is the run's settle condition
 * ({@link NodeChanges#settled}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class PlacementMonitor {

    private record Replica(int node, int partition) {
    }

    /**
     * What a replica's node knew of the partition's placement since its configuration last changed: the map last
     * seen, the largest replica count, and whether some map left the partition unplaced.
     */
    private static final class Placements {
        private PartitionMap map;
        private int replicas;
        private boolean unplaced;

        void observe(PartitionMap seen, int p) {
            if (seen == map) {
                return;
            }
            map = seen;
            int count = seen.partition(p).map(d -> d.replicas().size()).orElse(0);
            unplaced |= count == 0;
            replicas = Math.max(replicas, count);
        }

        /** A new window, from the map seen now. */
        void restart(int p) {
            PartitionMap seen = map;
            map = null;
            replicas = 0;
            unplaced = false;
            if (seen != null) {
                observe(seen, p);
            }
        }
    }

    private final java.util.List<SimNode> nodes;
    private final SafetyMonitor monitor;
    /** Each replica's view at the previous check. */
    private final Map<Replica, ReplicaView> previous = new HashMap<>();
    /** Each replica's placement window ({@link Placements}). */
    private final Map<Replica, Placements> placements = new HashMap<>();

    PlacementMonitor(java.util.List<SimNode> nodes, SafetyMonitor monitor) {
        this.nodes = nodes;
        this.monitor = monitor;
    }

    /**
     * Notes what each replica's node knows of the placement, and looks at every running leader of a user partition
     * whose configuration changed since the last check.
     */
    void check() {
        RunningReplicas.forEachMapped(nodes, (node, p, view) -> {
            if (p == 0) {
                return;
            }
            Replica replica = new Replica(node.index(), p);
            ReplicaView before = previous.put(replica, view);
            Placements placed = placements.computeIfAbsent(replica, r -> new Placements());
            if (node.manager() != null) {
                placed.observe(node.manager().getPartitionMap(), p);
            }
            if (before == null || before.configuration() == view.configuration()) {
                return;
            }
            if (view.leader() && before.leader() && before.term() == view.term()) {
                checkRemovals(node, p, before, view);
                checkAddition(node, p, before, view, placed);
            }
            if (!before.configuration().equals(view.configuration())) {
                placed.restart(p); // a view republishing the same members is no new decision point
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

    private void checkAddition(SimNode leader, int p, ReplicaView before, ReplicaView view, Placements placed) {
        int members = size(view.configuration());
        if (members <= size(before.configuration()) || placed.unplaced || placed.replicas == 0
                || members <= placed.replicas + 1) {
            return;
        }
        monitor.fail("placement: n" + leader.index() + " added a member to p" + p + " in term " + view.term()
                + ", which now holds " + members + " members (voters " + view.configuration().voters()
                + ", learners " + view.configuration().learners() + "), more than its " + placed.replicas
                + " placed replicas " + leader.replicasOf(p) + " + 1: a move added its newcomer before making room");
    }

    private static int size(Configuration configuration) {
        return configuration.voters().size() + configuration.learners().size();
    }

    /** Whether the roster lets {@code endpoint} vote in a placed partition (a voter, or a member leaving). */
    private static boolean placeable(Roster roster, String endpoint) {
        Member member = roster.members().get(endpoint);
        return member != null && (member.role() == Member.Role.VOTER || member.role() == Member.Role.LEAVING);
    }
}
