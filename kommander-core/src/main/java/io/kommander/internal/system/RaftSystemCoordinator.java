package io.kommander.internal.system;

import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The owner of the system partition (partition 0): it is that partition's {@link PartitionCallbacks}, so every
 * system entry, delivered or restored, reaches it and nothing else. Today it serializes one change, the partition
 * ranges: the first node to become partition 0's ready leader proposes them from {@code initialPartitions}, and
 * every node creates its user partitions when it applies (or restores) that entry. The first ranges entry in the
 * log wins; later ones are ignored.
 *
 * <p>Its callbacks run on partition 0's executor; {@link #ranges()}, {@link #rangesKnown()} and
 * {@link #ignoredEntries()} may be called from any thread.
 */
public final class RaftSystemCoordinator implements PartitionCallbacks {

    /** The partition that carries system commands. */
    public static final int SYSTEM_PARTITION = 0;
    /** The type string of the ranges-initialization entry. */
    public static final String RANGES_TYPE = "kommander.system.ranges";

    private static final Logger LOG = LoggerFactory.getLogger(RaftSystemCoordinator.class);

    private final int initialPartitions;
    private final IntConsumer createPartitions;
    private final CompletableFuture<PartitionRanges> rangesKnown = new CompletableFuture<>();
    private final AtomicLong ignoredEntries = new AtomicLong();
    private volatile PartitionRanges ranges;
    private SystemLog systemLog; // attached before partition 0 starts; its executor's queue publishes it

    /**
     * Where the coordinator writes: partition 0 on this node ({@code RaftPartition::replicate}). Partition 0 and
     * its coordinator refer to each other, so the node attaches one to the other after building both.
     */
    @FunctionalInterface
    public interface SystemLog {
        /** Proposes entries on partition 0; refused unless this node leads it. */
        CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String type, List<byte[]> payloads);
    }

    /**
     * @param initialPartitions user partitions to create when the cluster first starts
     * @param createPartitions  creates user partitions 1..n on this node
     */
    public RaftSystemCoordinator(int initialPartitions, IntConsumer createPartitions) {
        this.initialPartitions = initialPartitions;
        this.createPartitions = createPartitions;
    }

    /** Attaches partition 0, built with this coordinator as its callbacks; call before the partition starts. */
    public void attach(SystemLog systemPartition) {
        this.systemLog = systemPartition;
    }

    /** The ranges, or null until known. */
    public PartitionRanges ranges() {
        return ranges;
    }

    /** Completes when the ranges are known on this node. */
    public CompletableFuture<PartitionRanges> rangesKnown() {
        return rangesKnown;
    }

    /** System entries this node did not understand (written by a newer version) and skipped. */
    public long ignoredEntries() {
        return ignoredEntries.get();
    }

    @Override
    public void delivered(int partition, RaftLog log) {
        apply(log);
    }

    @Override
    public void restored(int partition, RaftLog log) {
        apply(log);
    }

    /**
     * Proposes the ranges if none are known yet. A ready leader has applied everything committed before its
     * term, so "none known" means no earlier ranges entry survives in the log. The outcome needs no handling: an
     * accepted entry that times out stays in the leader's log and commits with the next quorum; a leader refuses
     * only after losing leadership or while handing it over (the node is leaving), and then the next ready leader
     * proposes.
     */
    @Override
    public void leaderReady(int partition) {
        if (ranges == null) {
            systemLog.replicate(EntryKind.SYSTEM, RANGES_TYPE,
                    List.of(PartitionRanges.split(initialPartitions).encode()));
        }
    }

    @Override
    public void leaderChanged(int partition, String leader) {
        // Partition 0's leader is not the application's concern, and nothing on the node waits for it.
    }

    @Override
    public void restoreStarted(int partition) {
        // The entries restored next are applied one by one; there is nothing to reset.
    }

    @Override
    public void restoreFinished(int partition) {
        // Joining waits for the ranges, not for partition 0's restore.
    }

    private void apply(RaftLog log) {
        if (!RANGES_TYPE.equals(log.applicationType())) {
            ignoredEntries.incrementAndGet();
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
}
