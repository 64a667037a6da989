package io.kommander.sim;

import io.kommander.RaftConfiguration;
import io.kommander.internal.partition.PartitionSeams;

import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/** Configures a {@link SimCluster} ({@link SimCluster#builder}); not thread-safe. */
public final class SimClusterBuilder {
    // Read by the cluster it builds.
    final int size;
    final int partitions;
    long seed = SimCluster.DEFAULT_SEED;
    UnaryOperator<RaftConfiguration.Builder> tuning = UnaryOperator.identity();
    boolean snapshots;
    int spares;
    boolean mergedRosterChanges;
    Set<PartitionSeams.Bug> bugs = Set.of();

    SimClusterBuilder(int size, int partitions) {
        this.size = size;
        this.partitions = partitions;
    }

    /** The run's seed: it alone decides latencies, reorderings and election timeouts. */
    public SimClusterBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Of the {@code size} nodes, the last {@code spares} are not started: they are configured to join a running
     * cluster ({@code joinExisting}, the others as seeds) when a test calls {@link SimCluster#join}.
     */
    public SimClusterBuilder spares(int spares) {
        if (spares < 0 || spares >= size) {
            throw new IllegalArgumentException("spares must be in 0.." + (size - 1));
        }
        this.spares = spares;
        return this;
    }

    /**
     * Plants the known-wrong roster rule "several membership changes at once" in every node (a negative control
     * of the roster check every scenario runs).
     */
    public SimClusterBuilder plantMergedRosterChanges() {
        this.mergedRosterChanges = true;
        return this;
    }

    /** Plants {@code bug} in every node, as the simulator's seeds do (a negative control of a scenario's checks). */
    public SimClusterBuilder plant(PartitionSeams.Bug bug) {
        this.bugs = Set.of(bug);
        return this;
    }

    /** Extra configuration applied to every node, over the fixture's fast timings. */
    public SimClusterBuilder tuning(UnaryOperator<RaftConfiguration.Builder> tuning) {
        this.tuning = tuning;
        return this;
    }

    /**
     * Gives every node an application with snapshots ({@code IRaftStateMachineTransfer}) of every partition: its
     * state is every entry it was handed ({@link SimCluster#state}), compaction passes a lagging member after the
     * configured retention, and a member behind the compaction point is rebuilt by snapshot.
     */
    public SimClusterBuilder snapshots() {
        this.snapshots = true;
        return this;
    }

    /** Starts every node and runs virtual time until each has joined. */
    public SimCluster start() {
        return startNodes(IntStream.range(0, size - spares).toArray());
    }

    /**
     * Starts only the given nodes (the others stay down until {@link SimCluster#restart}) and runs virtual time until
     * each has joined.
     */
    public SimCluster startNodes(int... started) {
        SimCluster cluster = new SimCluster(this);
        for (int i : started) {
            cluster.launch(i);
        }
        for (int i : started) {
            cluster.awaitJoined(i);
        }
        return cluster;
    }
}
