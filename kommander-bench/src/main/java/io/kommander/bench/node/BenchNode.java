package io.kommander.bench.node;

import io.kommander.bench.system.NodeLedger;

import java.util.concurrent.CompletableFuture;

/**
 * One replica of a system under test, driven the same way whatever the system and wherever it runs (this JVM or a
 * child process): write on this node, ask whether it leads a partition, read what it delivered, close.
 *
 * <p>Routing to the leader is not a node's business: {@link io.kommander.bench.system.BenchCluster} does it for
 * every system. Implementations are thread-safe for {@link #write}, {@link #isLeader} and {@link #ledger}.
 */
public interface BenchNode extends AutoCloseable {

    /**
     * Proposes one entry to partition {@code partition} (0-based) on this node.
     *
     * @return completes with {@link WriteOutcome.Acknowledged} once the entry is committed and applied here (this
     *         node leads the partition), {@link WriteOutcome.NotLeader} if another node should be asked, or
     *         {@link WriteOutcome.Failed}; the future itself fails only if the node cannot be reached
     */
    CompletableFuture<WriteOutcome> write(int partition, byte[] payload);

    /** Whether this node leads partition {@code partition} (0-based) and can take writes now. */
    boolean isLeader(int partition);

    /** What this node delivered so far (a live view in this JVM, a snapshot for a node in another process). */
    NodeLedger ledger();

    /**
     * The node's counters and placement now (see {@link NodeStats}).
     *
     * @throws UnsupportedOperationException if the system does not report them (only Kommander does, with a meter
     *                                       registry)
     */
    default NodeStats stats() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reports no stats");
    }

    /** The settings that matter for a fair comparison (storage, sync, transport), one per line. */
    String configuration();

    /** Stops the node and releases its resources; its data folder stays (the caller removes it). */
    @Override
    void close();
}
