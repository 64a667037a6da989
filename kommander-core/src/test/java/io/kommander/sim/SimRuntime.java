package io.kommander.sim;

import io.kommander.runtime.IRaftRuntime;

import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * One node incarnation's {@link IRaftRuntime} over the {@link SimScheduler}: its clocks are the machine's
 * {@link SimClock} (drift, skew, steps of the wall clock, stopped while the node is paused); timers, the three pools
 * and the callback executor become events of the node (the pools after small random latencies, so nodes and
 * partitions interleave; callbacks in order); random sources derive from the run
 * seed. A crashed incarnation is {@linkplain #kill() killed}: it queues nothing more.
 *
 * <p>Not thread-safe: used on the simulation thread only.
 */
final class SimRuntime implements IRaftRuntime {

    private final SimScheduler scheduler;
    private final int node;
    private final SimClock clock;
    private final long seed;
    private final Executor partitionPool;
    private final Executor walWritePool;
    private final Executor walReadPool;
    private final Executor callbackExecutor;
    private boolean dead;

    /**
     * @param scheduler  the run's event queue
     * @param node       the node index (the owner of its events)
     * @param clock      the machine's clocks
     * @param seed       seed of this incarnation's random sources
     */
    SimRuntime(SimScheduler scheduler, int node, SimClock clock, long seed) {
        this.scheduler = scheduler;
        this.node = node;
        this.clock = clock;
        this.seed = seed;
        this.partitionPool = guarded(scheduler.executor(node, 0, 1));
        this.walWritePool = guarded(scheduler.executor(node, 1, 6));
        this.walReadPool = guarded(scheduler.executor(node, 0, 2));
        // No latency: callbacks keep their order, as the SPI asks.
        this.callbackExecutor = guarded(scheduler.executor(node, 0, 0));
    }

    private Executor guarded(Executor pool) {
        return task -> {
            if (!dead) {
                pool.execute(task);
            }
        };
    }

    /** The crash: nothing of this incarnation runs again. */
    void kill() {
        dead = true;
    }

    @Override
    public long monotonicMillis() {
        return clock.monotonicMillis();
    }

    @Override
    public long wallClockMillis() {
        return clock.wallMillis();
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        if (dead) {
            return () -> { };
        }
        return scheduler.schedule(node, delayMillis, task);
    }

    @Override
    public Executor partitionPool() {
        return partitionPool;
    }

    @Override
    public Executor walWritePool() {
        return walWritePool;
    }

    @Override
    public Executor walReadPool() {
        return walReadPool;
    }

    @Override
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    @Override
    public RandomGenerator random(long salt) {
        return IRaftRuntime.seeded(seed, salt);
    }

    @Override
    public void close() {
        dead = true;
    }
}
