package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;

import java.util.BitSet;

import java.util.List;

/** Whether a cluster's placement has settled, judged from its nodes' {@link NodeStats}. Stateless. */
final class Placement {

    private Placement() {
    }

    /**
     * What keeps the placement from being settled, or null if it is: the map must place every partition on exactly
     * {@code replicas} nodes, and exactly one node must lead it, with a configuration that matches the map (its
     * settled set). A node may still host a replica the map moved away ({@link #staleReplicas}): it takes no part
     * in the partition's writes, so the wait does not hold on it.
     *
     * @param stats      every node's stats, in node order
     * @param partitions user partitions
     * @param replicas   replicas per partition: {@code min(R, nodes)}
     */
    static String unsettled(List<NodeStats> stats, int partitions, int replicas) {
        for (int p = 0; p < partitions; p++) {
            int placed = 0;
            int leaders = 0;
            int settled = 0;
            for (NodeStats node : stats) {
                placed += node.placed().get(p) ? 1 : 0;
                leaders += node.led().get(p) ? 1 : 0;
                settled += node.settled().get(p) ? 1 : 0;
            }
            if (placed != replicas || leaders != 1 || settled != 1) {
                return "partition " + p + " (0-based) is placed on " + placed + " nodes (want " + replicas + "), has "
                        + leaders + " leaders and " + settled + " settled leaders (want 1 each)";
            }
        }
        return null;
    }

    /** Replicas the node hosts that the map no longer places on it. */
    static int staleReplicas(NodeStats stats) {
        BitSet stale = stats.hosted();
        stale.andNot(stats.placed());
        return stale.cardinality();
    }
}
