package io.kommander.bench.system;

import io.kommander.bench.node.JvmMode;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Raft library under test, driven the same way whatever it is: start a cluster of a given shape (in this process or
 * one process per node), write entries to a partition (the system routes each to that partition's leader), read what every node
 * delivered, close.
 *
 * <p>Implementations must be equally durable: an entry is acknowledged only once a quorum has synced it to disk
 * (or, with the in-memory parts, to memory: {@link #configuration()} says which).
 */
public interface BenchSystem extends AutoCloseable {

    /** The system's name in reports: kommander, sofajraft or ratis. */
    String name();

    /**
     * Starts the cluster and waits until every partition has a leader.
     *
     * @throws Exception if the cluster cannot start
     */
    void start(ClusterShape shape) throws Exception;

    /**
     * Writes one entry to partition {@code partition} (0-based).
     *
     * @return completes once the entry is committed and applied on the leader; fails if it cannot be
     */
    CompletableFuture<Void> write(int partition, byte[] payload);

    /**
     * Attempts made again after a refusal or a failure without answer. Writes are at least once: a retried
     * attempt's predecessor may have committed too (a leader that lost leadership after appending it), so each retry
     * may add one delivery.
     */
    long retriedAttempts();

    /** Where the nodes run: all in this JVM or each in its own. */
    JvmMode jvms();

    /** What each node delivered so far, in node order (for nodes in other processes, a snapshot taken now). */
    List<NodeLedger> ledgers();

    /** The settings that matter for a fair comparison (storage, sync, transport), one per line. */
    String configuration();

    /** Stops every node and releases their resources. */
    @Override
    void close();
}
