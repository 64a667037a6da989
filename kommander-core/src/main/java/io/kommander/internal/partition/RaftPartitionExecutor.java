package io.kommander.internal.partition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single owner of one partition's state: a serial queue of operations run on a shared pool, never on a
 * thread of its own, so ten thousand partitions cost ten thousand queues, not threads. Operations run one at a
 * time in rounds: each round runs up to a quantum of each priority class, highest first (control 8, replication 4,
 * client 2, maintenance 1), so control goes first in every round yet a flood of replication cannot starve client
 * operations or maintenance: with every class busy, the next operation of each runs within 15 operations. After each
 * drain the {@code afterDrain} hook runs, which is where the partition turns accumulated state changes into I/O.
 *
 * <p>Client operations are admission-limited: {@link #post} refuses them once {@code maxClientQueue} are queued.
 * Thread-safe.
 */
public final class RaftPartitionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPartitionExecutor.class);
    /** Operations per drain before yielding the pool thread to other partitions. */
    private static final int DRAIN_BUDGET = 512;
    private static final Priority[] PRIORITIES = Priority.values();

    /** Priority classes, highest first, each with the operations it may run per round. */
    public enum Priority {
        /** Elections, votes, ticks. */
        CONTROL(8),
        /** AppendLogs and their responses, WAL completions. */
        REPLICATION(4),
        /** Application requests. */
        CLIENT(2),
        /** Compaction and other housekeeping. */
        MAINTENANCE(1);

        private final int quantum;

        Priority(int quantum) {
            this.quantum = quantum;
        }

        /** Operations of this class run at most per round. */
        public int quantum() {
            return quantum;
        }
    }

    private final String name;
    private final Executor pool;
    private final int maxClientQueue;
    private final Runnable afterDrain;
    private final ConcurrentLinkedQueue<Runnable>[] queues;
    private final AtomicInteger clientQueued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param name           for logs
     * @param pool           the shared pool
     * @param maxClientQueue client operations queued at most
     * @param afterDrain     runs on the executor after every drain
     */
    @SuppressWarnings("unchecked")
    public RaftPartitionExecutor(String name, Executor pool, int maxClientQueue, Runnable afterDrain) {
        this.name = name;
        this.pool = pool;
        this.maxClientQueue = maxClientQueue;
        this.afterDrain = afterDrain;
        this.queues = new ConcurrentLinkedQueue[Priority.values().length];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /**
     * Queues an operation.
     *
     * @return false if the executor is closed, or if it is a client operation and the client queue is full
     */
    public boolean post(Priority priority, Runnable operation) {
        if (closed) {
            return false;
        }
        if (priority == Priority.CLIENT && clientQueued.incrementAndGet() > maxClientQueue) {
            clientQueued.decrementAndGet();
            return false;
        }
        queues[priority.ordinal()].add(operation);
        schedule();
        return true;
    }

    /** Stops running operations; queued ones are dropped. */
    public void close() {
        closed = true;
        for (ConcurrentLinkedQueue<Runnable> queue : queues) {
            queue.clear();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        try {
            int budget = DRAIN_BUDGET;
            int ran;
            do {
                ran = runRound(budget);
                budget -= ran;
            } while (ran > 0 && budget > 0 && !closed);
            if (!closed) {
                try {
                    afterDrain.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: after-drain hook failed", name, e);
                }
            }
        } finally {
            scheduled.set(false);
        }
        if (!closed && hasQueued()) {
            schedule();
        }
    }

    /** Runs one round of at most {@code budget} operations: each class up to its quantum, highest first. */
    private int runRound(int budget) {
        int ran = 0;
        for (Priority priority : PRIORITIES) {
            ConcurrentLinkedQueue<Runnable> queue = queues[priority.ordinal()];
            for (int i = 0; i < priority.quantum() && ran < budget && !closed; i++) {
                Runnable operation = queue.poll();
                if (operation == null) {
                    break;
                }
                if (priority == Priority.CLIENT) {
                    clientQueued.decrementAndGet();
                }
                ran++;
                try {
                    operation.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: operation failed", name, e);
                }
            }
        }
        return ran;
    }

    private boolean hasQueued() {
        for (ConcurrentLinkedQueue<Runnable> queue : queues) {
            if (!queue.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
