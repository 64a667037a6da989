package io.kommander.internal.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Starts at most {@code workers} copies of a work loop on a shared pool, only while there is work: a scheduler
 * calls {@link #signal()} after adding work, and each loop returns once nothing is left.
 */
public final class WorkerGate {

    private final Executor pool;
    private final int workers;
    private final Runnable loop;
    private final BooleanSupplier hasWork;
    private final AtomicInteger active = new AtomicInteger();

    /**
     * @param pool    where loops run
     * @param workers the most loops at once
     * @param loop    one loop: processes work until none is ready, then returns
     * @param hasWork whether work is ready (checked after a loop exits, to close the race with {@link #signal})
     */
    public WorkerGate(Executor pool, int workers, Runnable loop, BooleanSupplier hasWork) {
        this.pool = pool;
        this.workers = workers;
        this.loop = loop;
        this.hasWork = hasWork;
    }

    /** Starts a loop if fewer than {@code workers} run. */
    public void signal() {
        while (true) {
            int current = active.get();
            if (current >= workers) {
                return;
            }
            if (active.compareAndSet(current, current + 1)) {
                try {
                    pool.execute(this::run);
                } catch (RejectedExecutionException shuttingDown) {
                    active.decrementAndGet();
                }
                return;
            }
        }
    }

    private void run() {
        try {
            loop.run();
        } finally {
            active.decrementAndGet();
            if (hasWork.getAsBoolean()) {
                signal();
            }
        }
    }
}
