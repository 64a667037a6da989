package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, in a run of the nodes mix, what becomes of a replica the map moves away (in a run whose partitions are
 * placed on some members only) or that a node the roster removed holds:
 * <ul>
 *   <li>safety, at every deletion of a partition's data from a node's disk: the partition's newest committed
 *       configuration seen so far does not count the node as a voter (unless the map removed the partition). The
 *       newest committed configuration is the one at the highest index that any replica's view showed with no change
 *       in flight after its commit index: a commit index is never beyond what a quorum committed, so each such view
 *       shows a configuration the partition committed;</li>
 *   <li>liveness, once the run is healed and settled ({@link #settled}): no node keeps open a replica of a partition
 *       its map places elsewhere once that committed configuration no longer holds the node (a replica taken out
 *       while it was cut off learns it, and its node deletes its data).</li>
 * </ul>
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class StrandedReplicaMonitor {

    /** A configuration some replica showed committed, at the index of its entry. */
    private record Committed(long index, Configuration configuration) {
    }

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** Per partition: the newest committed configuration seen. */
    private final Map<Integer, Committed> newest = new HashMap<>();

    StrandedReplicaMonitor(List<SimNode> nodes, SafetyMonitor monitor, int partitions) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.partitions = partitions;
        for (SimNode node : nodes) {
            node.disk().onRemoval(p -> deleted(node, p));
        }
    }

    /** After every event: follows each partition's newest committed configuration. */
    void check() {
        RunningReplicas.forEach(nodes, partitions, (node, p, view) -> {
            if (p != 0 && view.configurationChangesInFlight() == 0 && view.configurationIndex() > 0) {
                Committed known = newest.get(p);
                if (known == null || view.configurationIndex() > known.index()) {
                    newest.put(p, new Committed(view.configurationIndex(), view.configuration()));
                }
            }
        });
    }

    private void deleted(SimNode node, int p) {
        if (p == 0 || removed(node, p)) {
            return;
        }
        Committed known = newest.get(p);
        if (known != null && known.configuration().isVoter(node.endpoint())) {
            monitor.fail("replica deletion: n" + node.index() + " deleted its data of p" + p + " while p" + p
                    + "'s committed configuration at index " + known.index() + " counts it as a voter: "
                    + known.configuration());
        }
    }

    /** Whether the node's map removed partition {@code p} (every replica's data goes then). */
    private static boolean removed(SimNode node, int p) {
        return node.manager() != null && node.manager().getPartitionMap().partition(p)
                .map(d -> d.state() == PartitionState.REMOVED).orElse(false);
    }

    /** Whether no node keeps a replica its map moved away that the newest committed configuration excludes. */
    boolean settled() {
        return stranded().isEmpty();
    }

    /** The stranded replicas, for a failure report. */
    String unsettled() {
        return String.join("; ", stranded());
    }

    private List<String> stranded() {
        List<String> stranded = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.state() != SimNode.State.UP || node.manager() == null) {
                continue;
            }
            for (int p = 1; p <= partitions; p++) {
                Committed known = newest.get(p);
                PartitionDescriptor placed = node.manager().getPartitionMap().partition(p).orElse(null);
                if (node.partition(p) != null && placed != null && placed.state() != PartitionState.REMOVED
                        && !node.hosts(p) && known != null && !known.configuration().contains(node.endpoint())) {
                    stranded.add("n" + node.index() + " keeps p" + p + " open (map: " + placed.replicas()
                            + "; committed configuration at index " + known.index() + ": " + known.configuration()
                            + "; its own view: " + node.partition(p).view() + ")");
                }
            }
        }
        return stranded;
    }
}
