package io.kommander.sim;

import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks, after every event, what a partition's configuration decides about who takes part, as members come and go:
 * <ul>
 *   <li>a leader was elected by a majority of its configuration's voters: counting only the votes granted to it by
 *       voters (and its own, if it votes), so a learner's or a removed member's vote never makes a leader;</li>
 *   <li>a learner is promoted only once it holds everything committed: when a leader's configuration turns a
 *       learner into a voter, the learner's disk holds the log up to the commit index the leader showed before;</li>
 *   <li>a member whose removal from a partition has committed (a leader shows a configuration without it and no
 *       change in flight) never leads that partition in a later term, unless it is added again. A replica that
 *       holds its own removal, not yet committed as it knows, may lead to commit it (its configuration then does
 *       not hold it): that is the protocol's way out for a leader that appended its own removal, not a return.</li>
 * </ul>
 * The views are what each replica's executor last published ({@link RaftPartition#view()}), the votes what the
 * nodes sent ({@link SafetyMonitor#votesFor}), the disks what survived ({@link SimDisk}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class ConfigurationMonitor {

    private record Replica(int node, int partition) {
    }

    private record Election(int node, int partition, long term) {
    }

    /**
     * A member's place in a partition as the leader of {@code term} showed it: in the configuration
     * ({@code removedWhenHighest} -1), or out of it with the removal committed when the highest term any leader had
     * reached was {@code removedWhenHighest}.
     */
    private record Membership(long term, long removedWhenHighest) {
        boolean removed() {
            return removedWhenHighest >= 0;
        }
    }

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** Each replica's view at the previous check. */
    private final Map<Replica, ReplicaView> previous = new HashMap<>();
    private final Set<Election> checked = new HashSet<>();
    /** Per partition: every member some leader's configuration ever held. */
    private final Map<Integer, Set<String>> everConfigured = new HashMap<>();
    /** Per partition: each member's last known place, as the newest leader seen showed it. */
    private final Map<Integer, Map<String, Membership>> memberships = new HashMap<>();

    ConfigurationMonitor(List<SimNode> nodes, SafetyMonitor monitor, int partitions) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.partitions = partitions;
    }

    /** Looks at every running replica's view. */
    void check() {
        RunningReplicas.forEach(nodes, partitions, (node, p, view) -> {
            ReplicaView before = previous.put(new Replica(node.index(), p), view);
            if (view.leader()) {
                checkElection(node, p, view);
                checkPromotions(node, p, before, view);
                checkNotRemoved(node, p, view);
                trackRemovals(p, view);
            }
        });
    }

    private void checkElection(SimNode leader, int p, ReplicaView view) {
        if (!checked.add(new Election(leader.index(), p, view.term()))) {
            return;
        }
        Configuration configuration = view.configuration();
        Set<String> counted = new HashSet<>();
        for (int voter : monitor.votesFor(p, view.term(), leader.index())) {
            String endpoint = nodes.get(voter).endpoint();
            if (configuration.isVoter(endpoint)) {
                counted.add(endpoint);
            }
        }
        if (configuration.isVoter(leader.endpoint())) {
            counted.add(leader.endpoint());
        }
        if (counted.size() <= configuration.voters().size() / 2) {
            monitor.fail("election: n" + leader.index() + " leads p" + p + " in term " + view.term()
                    + " with the votes of " + counted + " only, not a majority of the voters "
                    + configuration.voters() + " (learners " + configuration.learners() + ")");
        }
    }

    /** A learner this leader made a voter since the last check must hold what it had committed before. */
    private void checkPromotions(SimNode leader, int p, ReplicaView before, ReplicaView view) {
        if (before == null || !before.leader() || before.term() != view.term()
                || before.configuration() == view.configuration()) {
            return;
        }
        for (String member : view.configuration().voters()) {
            if (!before.configuration().contains(member) || before.configuration().isVoter(member)) {
                continue;
            }
            SimNode learner = node(member);
            long held = Math.max(learner.disk().lastPosition(p).index(), learner.disk().compactedUpTo(p).index());
            if (held < before.commitIndex()) {
                monitor.fail("promotion: n" + leader.index() + " made n" + learner.index() + " a voter of p" + p
                        + " in term " + view.term() + " while its disk holds the log up to " + held + " only, below"
                        + " the commit index " + before.commitIndex() + " (a learner is promoted once caught up)");
            }
        }
    }

    /**
     * Follows each member's place in the partition as leaders see it, newest term first: a stale leader (of an older
     * term than the last one seen to add or remove the member) changes nothing.
     */
    private void trackRemovals(int p, ReplicaView view) {
        Set<String> ever = everConfigured.computeIfAbsent(p, k -> new HashSet<>());
        ever.addAll(view.configuration().voters());
        ever.addAll(view.configuration().learners());
        Map<String, Membership> members = memberships.computeIfAbsent(p, k -> new HashMap<>());
        for (String member : ever) {
            Membership known = members.get(member);
            if (known != null && view.term() < known.term()) {
                continue;
            }
            if (view.configuration().contains(member)) {
                members.put(member, new Membership(view.term(), -1));
            } else if (view.configurationChangesInFlight() == 0 && (known == null || !known.removed())) {
                members.put(member, new Membership(view.term(), monitor.highestTerm(p)));
            }
        }
    }

    private void checkNotRemoved(SimNode leader, int p, ReplicaView view) {
        Membership known = memberships.getOrDefault(p, Map.of()).get(leader.endpoint());
        if (known != null && known.removed() && view.term() > known.removedWhenHighest()
                && view.configuration().contains(leader.endpoint())) {
            monitor.fail("removed member: n" + leader.index() + " leads p" + p + " in term " + view.term()
                    + ", though its removal committed when the highest term was " + known.removedWhenHighest());
        }
    }

    private SimNode node(String endpoint) {
        for (SimNode node : nodes) {
            if (node.endpoint().equals(endpoint)) {
                return node;
            }
        }
        throw new IllegalStateException("no node at " + endpoint);
    }
}
