package io.kommander.internal.node;

import io.kommander.internal.metrics.NodeReadings;
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

    NodeGauges(Map<Integer, RaftPartition> partitions, FairWalScheduler writes) {
        this.partitions = partitions;
        this.writes = writes;
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
        return 0; // No partition quiesces yet: this reads the node's count of quiesced partitions once there is one.
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
