package io.kommander.internal.node;

import io.kommander.internal.metrics.NodeReadings;
import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.wal.FairWalScheduler;

import java.util.Map;

/**
 * The node's gauges' readings, taken at a scrape from what each partition publishes for lock-free reads (no
 * executor round-trip): one walk over the partitions per reading, nothing between scrapes.
 *
 * <p>Thread-safe.
 */
final class NodeGauges implements NodeReadings {

    private final Map<Integer, RaftPartition> partitions;
    private final FairWalScheduler writes;
    private final QuiescedPartitions quiescence;

    NodeGauges(Map<Integer, RaftPartition> partitions, FairWalScheduler writes, QuiescedPartitions quiescence) {
        this.partitions = partitions;
        this.writes = writes;
        this.quiescence = quiescence;
    }

    @Override
    public int partitions() {
        return partitions.size();
    }

    @Override
    public int partitionsLed() {
        int led = 0;
        for (RaftPartition partition : partitions.values()) {
            if (partition.isLeaderQuick()) {
                led++;
            }
        }
        return led;
    }

    @Override
    public int quiescedPartitions() {
        return quiescence.quiescedCount();
    }

    @Override
    public int executorQueueDepth() {
        int queued = 0;
        for (RaftPartition partition : partitions.values()) {
            queued += partition.queuedOperations();
        }
        return queued;
    }

    @Override
    public int walQueueDepth() {
        return writes.queued();
    }

    @Override
    public long maxFollowerLag() {
        long lag = 0;
        for (RaftPartition partition : partitions.values()) {
            if (partition.isLeaderQuick()) {
                lag = Math.max(lag, partition.followerLag());
            }
        }
        return lag;
    }
}
