package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, after every event of a run whose partitions are placed on some members only, that a node opens a replica
 * only where the map puts it, every partition created online and every split's new half included (the ids the other
 * monitors do not visit):
 * <ul>
 *   <li><b>a split's new half lives where its source does</b>: while a node's applied map shows the split under way,
 *       the node has the new half open only if that map places the source on it. The new half starts from the
 *       source's state at the split entry, which only the source's replicas produce;</li>
 *   <li><b>no replica where the map never placed one</b>: a node whose applied map knows a partition has it open only
 *       if some map version it applied placed the partition on it (a replica the map moved away stays open until a
 *       committed configuration no longer holds it, {@link StrandedReplicaMonitor}). A version whose replicas are
 *       empty places the partition on every member; a node that has not applied the change that created or placed
 *       a partition yet is not judged on it.</li>
 * </ul>
 * Versions are followed as each node applies them ({@link SimNode#onMapChanged}), restores and catch-ups of partition
 * 0 included, so a placement made and undone within one event still counts.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class ColocationMonitor {

    private record Placed(int node, int partition) {
    }

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    /** The (node, partition) pairs some map version the node applied placed there, over all its lifetimes. */
    private final Set<Placed> placed = new HashSet<>();

    ColocationMonitor(List<SimNode> nodes, SafetyMonitor monitor) {
        this.nodes = nodes;
        this.monitor = monitor;
        nodes.forEach(node -> node.onMapChanged(this::applied));
    }

    private void applied(SimNode node, PartitionMap map) {
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.hostedBy(node.endpoint())) {
                placed.add(new Placed(node.index(), partition.id()));
            }
        }
    }

    /** Looks at every open replica of a user partition on every node that is up. */
    void check() {
        for (SimNode node : nodes) {
            if (node.state() == SimNode.State.DOWN || node.manager() == null) {
                continue;
            }
            PartitionMap map = node.manager().getPartitionMap();
            for (PartitionDescriptor partition : map == null ? List.<PartitionDescriptor>of() : map.partitions()) {
                if (partition.state() != PartitionState.REMOVED && node.partition(partition.id()) != null
                        && !check(node, map, partition)) {
                    return;
                }
            }
        }
    }

    /** Whether node's open replica of {@code partition} is where its applied {@code map} allows; fails the run if not. */
    private boolean check(SimNode node, PartitionMap map, PartitionDescriptor partition) {
        PartitionDescriptor source = map.splitSource(partition.id()).orElse(null);
        if (source != null && !source.hostedBy(node.endpoint())) {
            monitor.fail("co-location: n" + node.index() + " has p" + partition.id() + " open, the new half of p"
                    + source.id() + "'s split (map version " + map.version() + "), though that map places p"
                    + source.id() + " on " + source.replicas() + " only: the new half starts from the source's state"
                    + " at the split entry, which only the source's replicas hold");
            return false;
        }
        if (!placed.contains(new Placed(node.index(), partition.id()))) {
            monitor.fail("co-location: n" + node.index() + " has p" + partition.id() + " open, which no map version it"
                    + " applied placed on it (now " + partition.replicas() + ", map version " + map.version() + ")");
            return false;
        }
        return true;
    }
}
