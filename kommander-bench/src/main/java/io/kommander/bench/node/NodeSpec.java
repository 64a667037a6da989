package io.kommander.bench.node;

import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to start node {@code index} of a cluster, in this JVM or in a child process: the system, the
 * listening ports of all nodes (node i listens on {@code ports.get(i)} on loopback), the partitions and the
 * cluster's data folder.
 *
 * @param system         the system under test
 * @param ratisTransport the transport Ratis uses (ignored by the other systems)
 * @param ports          every node's port, in node order
 * @param partitions     user partitions, one Raft group each
 * @param dataDir        the cluster's data folder; node i keeps its data in {@link #nodeDir()}
 * @param index          this node's index, 0-based
 */
public record NodeSpec(SystemKind system, RatisTransport ratisTransport, List<Integer> ports, int partitions,
                       Path dataDir, int index) {

    /** Validates the spec and copies the ports. */
    public NodeSpec {
        ports = List.copyOf(ports);
        if (index < 0 || index >= ports.size() || partitions < 1) {
            throw new IllegalArgumentException("node " + index + " of " + ports.size() + " with " + partitions
                    + " partitions");
        }
    }

    /** Nodes in the cluster. */
    public int nodes() {
        return ports.size();
    }

    /** This node's port. */
    public int port() {
        return ports.get(index);
    }

    /** Node {@code node}'s {@code host:port} endpoint. */
    public String endpoint(int node) {
        return "127.0.0.1:" + ports.get(node);
    }

    /** This node's data folder. */
    public Path nodeDir() {
        return dataDir.resolve("node-" + index);
    }

    /** The index of the node listening on {@code port}, or -1 if none does. */
    public int indexOfPort(int port) {
        return ports.indexOf(port);
    }

    /** The index of the node with the {@code host:port} endpoint, or -1 if none (or null). */
    public int indexOfEndpoint(String endpoint) {
        for (int i = 0; i < ports.size(); i++) {
            if (endpoint(i).equals(endpoint)) {
                return i;
            }
        }
        return -1;
    }
}
