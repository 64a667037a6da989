package io.kommander.internal.partition;

import io.kommander.runtime.IRaftRuntime;

import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Injects time into partitions as operations: a tick every heartbeat interval (elections, heartbeats,
 * check-quorum, time-outs) to every awake partition ({@link QuiescedPartitions#awake()}: a quiesced one costs
 * nothing), then the node's own tick (its heartbeat to each peer, its liveness checks); and, when enabled, a
 * compaction pass every compaction interval. Time and scheduling come from the runtime, so the simulator drives it
 * with virtual time.
 *
 * <p>Thread-safe.
 */
public final class RaftTimerService implements AutoCloseable {

    private final IRaftRuntime runtime;
    private final long tickMillis;
    private final long compactionMillis;
    private final boolean compaction;
    private final Supplier<Collection<RaftPartition>> partitions;
    private final QuiescedPartitions quiescence;
    private final Runnable nodeTick;
    private final BooleanSupplier takingPart;
    private volatile boolean closed;
    private volatile IRaftRuntime.Cancellable nextTick;
    private volatile IRaftRuntime.Cancellable nextCompaction;

    /**
     * @param runtime          clock and timers
     * @param tickMillis       tick period
     * @param compactionMillis compaction period
     * @param compaction       whether compaction runs
     * @param partitions       every partition, read at each compaction pass
     * @param quiescence       the awake partitions, read at each tick
     * @param nodeTick         the node's own work at each tick, after the partitions'
     * @param takingPart       whether the node still takes part in the cluster: a node that learned it was removed
     *                         ticks nothing (no campaigns toward former peers)
     */
    public RaftTimerService(IRaftRuntime runtime, long tickMillis, long compactionMillis, boolean compaction,
                            Supplier<Collection<RaftPartition>> partitions, QuiescedPartitions quiescence,
                            Runnable nodeTick, BooleanSupplier takingPart) {
        this.runtime = runtime;
        this.takingPart = takingPart;
        this.quiescence = quiescence;
        this.nodeTick = nodeTick;
        this.tickMillis = tickMillis;
        this.compactionMillis = compactionMillis;
        this.compaction = compaction;
        this.partitions = partitions;
    }

    /** Starts the periodic ticks. */
    public void start() {
        scheduleTick();
        if (compaction) {
            scheduleCompaction();
        }
    }

    private void scheduleTick() {
        if (!closed) {
            nextTick = runtime.schedule(tickMillis, () -> {
                if (takingPart.getAsBoolean()) {
                    quiescence.awake().forEach(RaftPartition::tick);
                    nodeTick.run();
                }
                scheduleTick();
            });
        }
    }

    private void scheduleCompaction() {
        if (!closed) {
            nextCompaction = runtime.schedule(compactionMillis, () -> {
                partitions.get().forEach(RaftPartition::compact);
                scheduleCompaction();
            });
        }
    }

    /** Stops ticking. */
    @Override
    public void close() {
        closed = true;
        IRaftRuntime.Cancellable tick = nextTick;
        if (tick != null) {
            tick.cancel();
        }
        IRaftRuntime.Cancellable compact = nextCompaction;
        if (compact != null) {
            compact.cancel();
        }
    }
}
