package io.kommander.bench.node;

/** Starts one node of a cluster, in this JVM or in a process of its own (see {@link JvmMode}). */
@FunctionalInterface
public interface NodeLauncher {

    /**
     * Starts node {@code spec.index()}; returns without waiting for its peers or for an election.
     *
     * @throws Exception if the node cannot start
     */
    BenchNode launch(NodeSpec spec) throws Exception;
}
