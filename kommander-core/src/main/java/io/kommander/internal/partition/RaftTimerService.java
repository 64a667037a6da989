package io.kommander.internal.partition;

import io.kommander.runtime.IRaftRuntime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Injects time into partitions as operations: a tick every heartbeat interval (elections, heartbeats,
 * check-quorum, time-outs) to every awake partition ({@link QuiescedPartitions#awake()}: a quiesced one costs
 * nothing) whose tick is due ({@link RaftPartition#tickDueAt}: a follower only once its election timeout ran out,
 * and only so many campaigns at once), then the node's own tick (its heartbeat to each peer, its liveness checks); and, when enabled, a
 * compaction pass every compaction interval. Time and scheduling come from the runtime, so the simulator drives it
 * with virtual time.
 *
 * <p>Thread-safe: ticks run one at a time (each schedules the next), so the tick's own lists need no lock.
 */
public final class RaftTimerService implements AutoCloseable {

    private static final Comparator<Due> LONGEST_OVERDUE_FIRST = Comparator.comparingLong(due -> due.at);

    private final IRaftRuntime runtime;
    private final long tickMillis;
    private final long compactionMillis;
    private final int campaignLimit;
    private final boolean compaction;
    private final Supplier<Collection<RaftPartition>> partitions;
    private final QuiescedPartitions quiescence;
    private final Runnable nodeTick;
    private final BooleanSupplier takingPart;
    /** Every holder ever needed, reused from tick to tick (ticks never overlap: each schedules the next). */
    private final List<Due> pool = new ArrayList<>();
    /** This tick's overdue followers, the first {@code pool.size()} holders at most. */
    private final List<Due> overdue = new ArrayList<>();
    private volatile boolean closed;
    private volatile IRaftRuntime.Cancellable nextTick;
    private volatile IRaftRuntime.Cancellable nextCompaction;

    /**
     * @param runtime          clock and timers
     * @param tickMillis       tick period
     * @param compactionMillis compaction period
     * @param compaction       whether compaction runs
     * @param campaignLimit    replicas of this node standing for election at once, at most (see
     *                         {@link #tickPartitions})
     * @param partitions       every partition, read at each compaction pass
     * @param quiescence       the awake partitions, read at each tick
     * @param nodeTick         the node's own work at each tick, after the partitions'
     * @param takingPart       whether the node still takes part in the cluster: a node that learned it was removed
     *                         ticks nothing (no campaigns toward former peers)
     */
    public RaftTimerService(IRaftRuntime runtime, long tickMillis, long compactionMillis, boolean compaction,
                            int campaignLimit, Supplier<Collection<RaftPartition>> partitions, QuiescedPartitions quiescence,
                            Runnable nodeTick, BooleanSupplier takingPart) {
        this.runtime = runtime;
        this.takingPart = takingPart;
        this.quiescence = quiescence;
        this.nodeTick = nodeTick;
        this.tickMillis = tickMillis;
        this.compactionMillis = compactionMillis;
        this.compaction = compaction;
        this.campaignLimit = campaignLimit;
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
                    tickPartitions(runtime.monotonicMillis());
                    nodeTick.run();
                }
                scheduleTick();
            });
        }
    }

    /**
     * Ticks every awake partition whose tick is due, but lets at most {@code campaignLimit} replicas stand for election
     * at once: a follower whose election timeout ran out starts campaigning only while fewer are, the longest overdue
     * first; the others stay due and are asked again at the next tick. A cold start or a node's death makes thousands
     * of timeouts run out together, and each campaign costs hard-state syncs on both sides: with all of them at once,
     * the syncs queue for longer than an election timeout, every candidate times out before its votes come back, and
     * the retries (in new terms) only lengthen the queue. Only when a replica campaigns changes, never what it may do.
     */
    private void tickPartitions(long now) {
        int campaigning = 0;
        overdue.clear();
        for (RaftPartition partition : quiescence.awake()) {
            boolean standing = partition.campaigning();
            if (standing) {
                campaigning++;
            }
            long due = partition.tickDueAt();
            if (now < due) {
                continue;
            }
            if (standing || due == Long.MIN_VALUE) {
                partition.tick();
            } else {
                overdue(due, partition);
            }
        }
        int admitted = Math.min(campaignLimit - campaigning, overdue.size());
        if (admitted > 0) {
            overdue.sort(LONGEST_OVERDUE_FIRST);
            for (int i = 0; i < admitted; i++) {
                overdue.get(i).partition.tick();
            }
        }
        // Holders keep no partition past the tick: a removed partition is not kept alive by the pool.
        for (Due due : overdue) {
            due.partition = null;
        }
    }

    /** Notes an overdue follower in the next free holder of the pool (allocated only when the pool is outgrown). */
    private void overdue(long at, RaftPartition partition) {
        if (overdue.size() == pool.size()) {
            pool.add(new Due());
        }
        Due due = pool.get(overdue.size());
        due.at = at;
        due.partition = partition;
        overdue.add(due);
    }

    /**
     * A follower whose election timeout ran out {@code at}: mutable and pooled, since after a node's death thousands
     * are noted at every tick until each campaigns.
     */
    private static final class Due {
        private long at;
        private RaftPartition partition;
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
