package io.kommander.bench.system;

import java.nio.file.Path;

/**
 * The cluster a system is asked to start: its size, its number of partitions (Raft groups) and the folder under
 * which every node keeps its data.
 *
 * @param nodes      replicas (3 or 5)
 * @param partitions user partitions, one Raft group each
 * @param dataDir    a folder for this system's data; each node uses a subfolder
 *                   ({@link io.kommander.bench.node.NodeSpec#nodeDir()})
 */
public record ClusterShape(int nodes, int partitions, Path dataDir) {

    /** Validates the shape. */
    public ClusterShape {
        if (nodes < 1 || partitions < 1) {
            throw new IllegalArgumentException("nodes and partitions must be positive: " + nodes + ", " + partitions);
        }
    }
}
