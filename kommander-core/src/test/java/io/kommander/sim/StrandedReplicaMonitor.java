package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Checks, in a run of the nodes mix, what becomes of a replica the map moves away (in a run whose partitions are
 * placed on some members only) or that a node the roster removed holds, for every partition some node's applied map
 * has named: the initial ones, those created online and those split off (as {@link ColocationMonitor} sees them):
 * <ul>
 *   <li>safety, at every deletion of a partition's data from a node's disk: the partition's newest committed
 *       configuration seen so far does not count the node as a voter (unless some node's map removed the partition,
 *       itself or merged away: its data is needed nowhere then). The newest committed configuration is the one at
 *       the highest index that any replica's view showed with no change in flight after its commit index: a commit
 *       index is never beyond what a quorum committed, so each such view shows a configuration the partition
 *       committed;</li>
 *   <li>liveness, once the run is healed and settled ({@link #settled}): no node keeps open a replica of a partition
 *       its map places elsewhere once that committed configuration no longer holds the node (a replica taken out
 *       while it was cut off learns it, and its node deletes its data); and a node the roster removed that still runs
 *       holds nothing of a user partition, open or on its disk, once that configuration no longer holds it or some
 *       map removed the partition (partition 0, with its record of the removal, stays).</li>
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
    /** The nodes out of the newest roster that still run ({@link NodeChanges#removedRunning}). */
    private final Supplier<Collection<SimNode>> removedRunning;
    /** Every user partition some node's applied map has named, the initial ones from the start; ids never return. */
    private final Set<Integer> known = new TreeSet<>();
    /** The partitions some node's applied map shows {@code REMOVED} (removed, or merged into a neighbour). */
    private final Set<Integer> removed = new TreeSet<>();
    /** Per partition: the newest committed configuration seen. */
    private final Map<Integer, Committed> newest = new HashMap<>();

    /**
     * @param partitions     the initial user partitions, 1 to {@code partitions}
     * @param removedRunning the nodes the newest roster no longer holds that still run
     */
    StrandedReplicaMonitor(List<SimNode> nodes, SafetyMonitor monitor, int partitions,
                           Supplier<Collection<SimNode>> removedRunning) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.removedRunning = removedRunning;
        for (int p = 1; p <= partitions; p++) {
            known.add(p);
        }
        for (SimNode node : nodes) {
            node.disk().onRemoval(p -> deleted(node, p));
            node.onMapChanged(this::applied);
        }
    }

    private void applied(SimNode node, PartitionMap map) {
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.id() != 0) {
                known.add(partition.id());
                if (partition.state() == PartitionState.REMOVED) {
                    removed.add(partition.id());
                }
            }
        }
    }

    /** After every event: follows each partition's newest committed configuration. */
    void check() {
        RunningReplicas.forEach(nodes, known, (node, p, view) -> {
            if (view.configurationChangesInFlight() == 0 && view.configurationIndex() > 0) {
                Committed seen = newest.get(p);
                if (seen == null || view.configurationIndex() > seen.index()) {
                    newest.put(p, new Committed(view.configurationIndex(), view.configuration()));
                }
            }
        });
    }

    private void deleted(SimNode node, int p) {
        if (p == 0 || removed.contains(p) || removedByMap(node, p)) {
            return;
        }
        Committed seen = newest.get(p);
        if (seen != null && seen.configuration().isVoter(node.endpoint())) {
            monitor.fail("replica deletion: n" + node.index() + " deleted its data of p" + p + " while p" + p
                    + "'s committed configuration at index " + seen.index() + " counts it as a voter: "
                    + seen.configuration());
        }
    }

    /** Whether the node's current map removed partition {@code p} (applied within this event, so not seen yet). */
    private static boolean removedByMap(SimNode node, int p) {
        return node.manager() != null && node.manager().getPartitionMap().partition(p)
                .map(d -> d.state() == PartitionState.REMOVED).orElse(false);
    }

    /**
     * Whether no node keeps a replica its map moved away that the newest committed configuration excludes, and no
     * removed node still running holds anything of a user partition that configuration excludes.
     */
    boolean settled() {
        return stranded().isEmpty();
    }

    /** The stranded replicas, for a failure report. */
    String unsettled() {
        return String.join("; ", stranded());
    }

    private List<String> stranded() {
        Collection<SimNode> outOfRoster = removedRunning.get();
        List<String> stranded = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.state() != SimNode.State.UP || node.manager() == null) {
                continue;
            }
            boolean out = outOfRoster.contains(node) || NodeSeams.removed(node.manager());
            for (int p : known) {
                String why = out ? keptAfterRemoval(node, p) : keptAfterMove(node, p);
                if (why != null) {
                    RaftPartition replica = node.partition(p);
                    stranded.add("n" + node.index() + why + "; its own view: "
                            + (replica == null ? "closed, its data on the disk up to "
                            + node.disk().lastPosition(p).index() : replica.view()) + ")");
                }
            }
        }
        return stranded;
    }

    /**
     * Why node, in the newest roster, keeps {@code p} though its map places it elsewhere and the newest committed
     * configuration no longer holds it; null if it need not.
     */
    private String keptAfterMove(SimNode node, int p) {
        Committed seen = newest.get(p);
        PartitionDescriptor placed = node.manager().getPartitionMap().partition(p).orElse(null);
        if (!holds(node, p) || placed == null || placed.state() == PartitionState.REMOVED || node.hosts(p)
                || seen == null || seen.configuration().contains(node.endpoint())) {
            return null;
        }
        return " keeps p" + p + " (map: " + placed.replicas() + "; committed configuration at index " + seen.index()
                + ": " + seen.configuration();
    }

    /**
     * Why node, which the roster removed, still holds {@code p} though the newest committed configuration no longer
     * holds it, or some map removed the partition; null if it need not.
     */
    private String keptAfterRemoval(SimNode node, int p) {
        Committed seen = newest.get(p);
        boolean gone = removed.contains(p) || (seen != null && !seen.configuration().contains(node.endpoint()));
        if (!holds(node, p) || !gone) {
            return null;
        }
        return ", out of the roster, keeps p" + p + " (" + (removed.contains(p) ? "the map removed it; " : "")
                + (seen == null ? "no committed configuration seen" : "committed configuration at index "
                + seen.index() + ": " + seen.configuration());
    }

    /** Whether the node has {@code p} open, or its disk holds entries of it (a closed replica whose data stayed). */
    private static boolean holds(SimNode node, int p) {
        return node.partition(p) != null || node.disk().lastPosition(p).index() > 0;
    }
}
