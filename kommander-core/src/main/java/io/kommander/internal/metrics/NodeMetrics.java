package io.kommander.internal.metrics;

import io.kommander.RaftOperationStatus;
import io.kommander.transport.TransportMetricsSink;

/**
 * Where a node's machinery reports what happens, for its meters (docs/metrics.md). A node built without a meter
 * registry uses {@link #NONE}: every method does nothing and reads no clock, so a hook costs a call the JIT inlines
 * away, and Micrometer is never loaded. {@link MicrometerMetrics} is the only implementation that records.
 *
 * <p>Implementations are thread-safe: partition executors, WAL workers and transport threads call them at once.
 */
public interface NodeMetrics {

    /** Records nothing. */
    NodeMetrics NONE = new NodeMetrics() {
    };

    /**
     * The metrics of a node: {@link #NONE} without a registry, else meters in {@code registry} tagged with
     * {@code node}.
     *
     * @param registry a Micrometer {@code MeterRegistry}, or null; typed {@code Object} so that the node's classes
     *                 load on a class path without Micrometer
     * @param node     the node's name, the {@code node} tag of every meter
     */
    static NodeMetrics of(Object registry, String node) {
        return registry == null ? NONE : MicrometerMetrics.bind(registry, node);
    }

    /** Whether anything is recorded: a hook that must compute a reading for a meter computes it only then. */
    default boolean enabled() {
        return false;
    }

    /** The start of something whose latency is recorded; 0, reading no clock, when nothing is recorded. */
    default long startTime() {
        return 0;
    }

    /**
     * A write call (a proposal, a commit or rollback of one, a checkpoint) was answered with {@code status}; on
     * success, {@code startTime} (from {@link #startTime()}) to now is its commit latency.
     */
    default void writeAnswered(RaftOperationStatus status, long startTime) {
    }

    /** {@code entries} committed entries were handed to the application. */
    default void committed(int entries) {
    }

    /**
     * One {@code IWAL.write} (one sync) made {@code entries} entries of {@code partitions} partitions durable,
     * {@code bytes} bytes by the entries' size estimates, and took from {@code startTime} to now.
     */
    default void walWrite(int entries, int partitions, long bytes, long startTime) {
    }

    /**
     * A partition executor of this node ran one drain (a batch of operations, then its {@code Ready}): how many
     * drains a write costs is what grouping work across partitions saves.
     */
    default void drained() {
    }

    /** The node queued {@code count} messages to one peer as one batch (one transport write). */
    default void messagesSent(int count) {
    }

    /** Replicas of this node stood for election {@code count} times (pre-votes are not elections). */
    default void electionsStarted(int count) {
    }

    /** A replica of this node won an election. */
    default void electionWon() {
    }

    /** A replica of this node learned of a new leader (itself included). */
    default void leaderChanged() {
    }

    /** Followers installed {@code count} snapshots this node sent. */
    default void snapshotsSent(int count) {
    }

    /** A replica of this node installed a snapshot from its leader. */
    default void snapshotReceived() {
    }

    /** Where the node's transport reports frames, bytes, drops and reconnects. */
    default TransportMetricsSink transport() {
        return TransportMetricsSink.NONE;
    }

    /** Registers the gauges that read {@code readings} (queue depths, partitions led, follower lag, ...). */
    default void watch(NodeReadings readings) {
    }

    /** The node closed: its meters leave the registry, so that nothing reads the closed node any more. */
    default void close() {
    }
}
