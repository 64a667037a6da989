package io.kommander.internal.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Runs a node's partition drains on its shared pool in passes: a worker takes the drains that are ready one after
 * another, with no hand-off to the pool per drain, and what the drains hand on to other workers (a transport
 * dispatcher's flush to a peer, the signal that wakes the WAL writers) waits for the end of the pass
 * ({@link #atPassEnd}). So one flush per peer and one WAL group write carry the work of every partition of the
 * pass, however many there are: the group commit across partitions that the design asks for, applied to messages as
 * well as to writes. A pass ends after {@value #DRAINS_PER_PASS} drains, so what it holds back waits for a bounded
 * amount of work.
 *
 * <p>Thread-safe. {@link #atPassEnd} is about the current thread's pass, whichever node's it is.
 */
public final class DrainPasses implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(DrainPasses.class);
    /** Drains per pass at most: enough to carry a wave of partitions, few enough that their messages wait little. */
    static final int DRAINS_PER_PASS = 32;
    /** What the current thread's pass holds back for its end; null outside a pass. */
    private static final ThreadLocal<List<Runnable>> PASS_END = new ThreadLocal<>();

    private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
    private final WorkerGate gate;

    /**
     * @param pool    where passes run (the runtime's partition pool)
     * @param workers passes at once at most (the pool's threads)
     */
    public DrainPasses(Executor pool, int workers) {
        this.gate = new WorkerGate(pool, workers, this::work, () -> !ready.isEmpty());
    }

    /** Queues a task (a drain, or a flush asked for outside a pass) for the next pass. */
    @Override
    public void execute(Runnable task) {
        ready.add(task);
        gate.signal();
    }

    /**
     * Holds {@code action} back until the end of the current thread's pass, once however often it is asked for
     * (the same instance is one action).
     *
     * @return false if the current thread runs no pass: then the caller does it now
     */
    public static boolean atPassEnd(Runnable action) {
        List<Runnable> held = PASS_END.get();
        if (held == null) {
            return false;
        }
        for (Runnable runnable : held) {
            if (runnable == action) {
                return true;
            }
        }
        held.add(action);
        return true;
    }

    private void work() {
        List<Runnable> held = new ArrayList<>();
        Runnable task;
        while ((task = ready.poll()) != null) {
            PASS_END.set(held);
            try {
                int ran = 0;
                do {
                    run(task);
                } while (++ran < DRAINS_PER_PASS && (task = ready.poll()) != null);
            } finally {
                PASS_END.remove();
            }
            // Outside the pass: what they hand on in turn goes at once (a flush that finds more queues another).
            for (Runnable action : held) {
                run(action);
            }
            held.clear();
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("a partition pool task failed", e);
        }
    }
}
