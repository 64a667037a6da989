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
 * time in priority order (control, then replication, then client, then maintenance); after each drain the
 * {@code afterDrain} hook runs, which is where the partition turns accumulated state changes into I/O.
 *
 * <p>Client operations are admission-limited: {@link #post} refuses them once {@code maxClientQueue} are queued.
 * Thread-safe.
 */
public final class RaftPartitionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPartitionExecutor.class);
    /** Operations per drain before yielding the pool thread to other partitions. */
    private static final int DRAIN_BUDGET = 512;

    /** Priority classes, highest first. */
    public enum Priority {
        /** Elections, votes, ticks. */
        CONTROL,
        /** AppendLogs and their responses, WAL completions. */
        REPLICATION,
        /** Application requests. */
        CLIENT,
        /** Compaction and other housekeeping. */
        MAINTENANCE
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
            Runnable operation;
            while (!closed && budget-- > 0 && (operation = poll()) != null) {
                try {
                    operation.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: operation failed", name, e);
                }
            }
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

    private Runnable poll() {
        for (int i = 0; i < queues.length; i++) {
            Runnable operation = queues[i].poll();
            if (operation != null) {
                if (i == Priority.CLIENT.ordinal()) {
                    clientQueued.decrementAndGet();
                }
                return operation;
            }
        }
        return null;
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
