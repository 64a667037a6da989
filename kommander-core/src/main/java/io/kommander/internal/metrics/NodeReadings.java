package io.kommander.internal.metrics;

/**
 * What a node's gauges read when the registry asks (a scrape), from any thread, without waiting on an executor:
 * each reading walks the node's partitions, so it costs nothing between scrapes.
 */
public interface NodeReadings {

    /** Partitions this node holds a replica of, partition 0 included. */
    int partitions();

    /** Partitions whose replica on this node leads. */
    int partitionsLed();

    /** Partitions that are quiesced: neither ticking nor heartbeating. */
    int quiescedPartitions();

    /** Operations queued on all partitions' executors, not yet run. */
    int executorQueueDepth();

    /** Writes, compactions and metadata queued for the WAL, not yet taken by a group write. */
    int walQueueDepth();

    /** The largest follower lag, in entries, over the partitions this node leads (0 if it leads none). */
    long maxFollowerLag();
}
