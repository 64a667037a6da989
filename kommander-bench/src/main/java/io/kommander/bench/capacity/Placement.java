package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;

import java.util.List;

/** Whether a cluster's placement has settled, judged from its nodes' {@link NodeStats}. Stateless. */
final class Placement {

    private Placement() {
    }

    /**
     * What keeps the placement from being settled, or null if it is: every partition must be hosted by exactly
     * {@code replicas} nodes and led by exactly one, whose configuration matches the map (its settled set).
     *
     * @param stats      every node's stats, in node order
     * @param partitions user partitions
     * @param replicas   replicas per partition: {@code min(R, nodes)}
     */
    static String unsettled(List<NodeStats> stats, int partitions, int replicas) {
        for (int p = 0; p < partitions; p++) {
            int hosts = 0;
            int leaders = 0;
            int settled = 0;
            for (NodeStats node : stats) {
                hosts += node.hosted().get(p) ? 1 : 0;
                leaders += node.led().get(p) ? 1 : 0;
                settled += node.settled().get(p) ? 1 : 0;
            }
            if (hosts != replicas || leaders != 1 || settled != 1) {
                return "partition " + p + " (0-based) has " + hosts + " replicas (want " + replicas + "), "
                        + leaders + " leaders and " + settled + " settled leaders (want 1 each)";
            }
        }
        return null;
    }
}
