package io.kommander.internal.partition;

import io.kommander.internal.clock.HybridLogicalClock;
import io.kommander.internal.metrics.NodeMetrics;
import io.kommander.RaftConfiguration;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.wal.IWAL;

import java.util.List;

/**
 * The node-level services every partition of a node shares.
 *
 * @param configuration the node's configuration
 * @param self          this node's endpoint
 * @param peers         the other members' endpoints
 * @param runtime       clock, timers, pools, random seeds
 * @param wal           the storage, for reads
 * @param writes        the group-commit WAL write scheduler
 * @param reads         the fair WAL read scheduler
 * @param dispatcher    outbound message queues
 * @param clock         the node's hybrid logical clock, for tickets
 * @param catchUp       whether replicas start unverified after the node lost its data; told of held entries
 * @param snapshots     the application's snapshots and the node's snapshot budget ({@link NodeSnapshots#NONE} if
 *                      the application has none)
 * @param metrics       where the partitions report to the node's meters ({@link NodeMetrics#NONE} for none)
 * @param quiescence    which partitions are awake (ticked) and which sleep, and under which leader's node
 * @param settings      what the partitions' state machines read of {@code configuration}: one instance that every
 *                      replica of the node shares
 */
public record PartitionContext(RaftConfiguration configuration, String self, List<String> peers,
                               IRaftRuntime runtime, IWAL wal, FairWalScheduler writes, FairReadScheduler reads,
                               RaftTransportDispatcher dispatcher, HybridLogicalClock clock, ReplicaCatchUp catchUp,
                               NodeSnapshots snapshots, NodeMetrics metrics, QuiescedPartitions quiescence,
                               PartitionSettings settings) {

    /** The services of a node, with the partition settings of its configuration. */
    public PartitionContext(RaftConfiguration configuration, String self, List<String> peers, IRaftRuntime runtime,
                            IWAL wal, FairWalScheduler writes, FairReadScheduler reads,
                            RaftTransportDispatcher dispatcher, HybridLogicalClock clock, ReplicaCatchUp catchUp,
                            NodeSnapshots snapshots, NodeMetrics metrics, QuiescedPartitions quiescence) {
        this(configuration, self, peers, runtime, wal, writes, reads, dispatcher, clock, catchUp, snapshots, metrics,
                quiescence, PartitionSettings.of(configuration));
    }

    /** The services of a node that keeps no metrics and whose partitions' quiescence no one else watches. */
    public PartitionContext(RaftConfiguration configuration, String self, List<String> peers, IRaftRuntime runtime,
                            IWAL wal, FairWalScheduler writes, FairReadScheduler reads,
                            RaftTransportDispatcher dispatcher, HybridLogicalClock clock, ReplicaCatchUp catchUp,
                            NodeSnapshots snapshots) {
        this(configuration, self, peers, runtime, wal, writes, reads, dispatcher, clock, catchUp, snapshots,
                NodeMetrics.NONE, new QuiescedPartitions());
    }

    /** The services of a node without snapshots. */
    public PartitionContext(RaftConfiguration configuration, String self, List<String> peers, IRaftRuntime runtime,
                            IWAL wal, FairWalScheduler writes, FairReadScheduler reads,
                            RaftTransportDispatcher dispatcher, HybridLogicalClock clock, ReplicaCatchUp catchUp) {
        this(configuration, self, peers, runtime, wal, writes, reads, dispatcher, clock, catchUp, NodeSnapshots.NONE);
    }
}
