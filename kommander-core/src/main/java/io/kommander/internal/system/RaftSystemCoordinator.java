package io.kommander.internal.system;

import io.kommander.RaftLog;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * Serializes configuration changes through the system partition (partition 0). Today: the partition ranges,
 * initialized once by whichever node first leads partition 0, from {@code initialPartitions}, and replicated like
 * any entry; every node creates its user partitions when it applies (or restores) that entry. The first ranges
 * entry in the log wins; later ones are ignored.
 *
 * <p>Its methods run on partition 0's executor, except {@link #ranges()} and {@link #rangesKnown()}.
 */
public final class RaftSystemCoordinator {

    /** The partition that carries system commands. */
    public static final int SYSTEM_PARTITION = 0;
    /** The type string of the ranges-initialization entry. */
    public static final String RANGES_TYPE = "kommander.system.ranges";

    private static final Logger LOG = LoggerFactory.getLogger(RaftSystemCoordinator.class);

    private final int initialPartitions;
    private final IntConsumer createPartitions;
    private final CompletableFuture<PartitionRanges> rangesKnown = new CompletableFuture<>();
    private volatile PartitionRanges ranges;
    private boolean initInFlight;

    /**
     * @param initialPartitions user partitions to create when the cluster first starts
     * @param createPartitions  creates user partitions 1..n on this node
     */
    public RaftSystemCoordinator(int initialPartitions, IntConsumer createPartitions) {
        this.initialPartitions = initialPartitions;
        this.createPartitions = createPartitions;
    }

    /** The ranges, or null until known. */
    public PartitionRanges ranges() {
        return ranges;
    }

    /** Completes when the ranges are known on this node. */
    public CompletableFuture<PartitionRanges> rangesKnown() {
        return rangesKnown;
    }

    /** Applies a system entry, delivered or restored. */
    public void apply(RaftLog log) {
        if (!RANGES_TYPE.equals(log.applicationType())) {
            LOG.warn("ignoring unknown system entry {} at {}", log.applicationType(), log.index());
            return;
        }
        if (ranges != null) {
            return;
        }
        PartitionRanges decoded = PartitionRanges.decode(log.data());
        ranges = decoded;
        createPartitions.accept(decoded.count());
        rangesKnown.complete(decoded);
    }

    /** Called after partition 0 finishes a batch of work: the first leader proposes the ranges. */
    public void onSystemPartitionDrained(RaftPartition system, boolean readyLeader) {
        if (ranges != null || initInFlight || !readyLeader) {
            return;
        }
        initInFlight = true;
        system.replicate(EntryKind.SYSTEM, RANGES_TYPE, List.of(PartitionRanges.split(initialPartitions).encode()))
                .whenComplete((result, error) -> initInFlight = false);
    }
}
