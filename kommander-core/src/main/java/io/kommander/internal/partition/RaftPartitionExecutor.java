package io.kommander.internal.partition;

import io.kommander.internal.runtime.LibraryThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * The single owner of one partition's state: a serial queue of operations run on a shared pool, never on a
 * thread of its own, so ten thousand partitions cost ten thousand queues, not threads. Operations run one at a
 * time in rounds: each round runs up to a quantum of each priority class, highest first (control 8, replication 4,
 * client 2, maintenance 1), so control goes first in every round yet a flood of replication cannot starve client
 * operations or maintenance: with every class busy, the next operation of each runs within 15 operations. After each
 * drain the {@code afterDrain} hook runs, which is where the partition turns accumulated state changes into I/O.
 *
 * <p>An operation or hook that throws is never swallowed: the owner's {@code onFailure} hears of it on the executor
 * (the partition treats it as an impossible state and stops). Drains run marked as library work
 * ({@link LibraryThreads}), so that code they call can refuse to block.
 *
 * <p>Client operations are admission-limited: {@link #post} refuses them once {@code maxClientQueue} are queued.
 *
 * <p>A node has one per partition replica, so it holds no more than it uses (docs/scale.md): a class's queue is made
 * on its first operation, and the client count and the scheduled flag are fields behind static updaters.
 *
 * <p>Thread-safe.
 */
public final class RaftPartitionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPartitionExecutor.class);
    /** Operations per drain before yielding the pool thread to other partitions. */
    private static final int DRAIN_BUDGET = 512;
    private static final Priority[] PRIORITIES = Priority.values();
    /** The queues' slots, read and set (once, from null) as volatiles: a drain that goes idle must see a new queue. */
    private static final VarHandle QUEUE = MethodHandles.arrayElementVarHandle(ConcurrentLinkedQueue[].class);
    private static final AtomicIntegerFieldUpdater<RaftPartitionExecutor> CLIENT_QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(RaftPartitionExecutor.class, "clientQueued");
    private static final AtomicIntegerFieldUpdater<RaftPartitionExecutor> SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(RaftPartitionExecutor.class, "scheduled");

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

    private final Object name;
    private final Executor pool;
    private final int maxClientQueue;
    private final Runnable afterDrain;
    private final Consumer<Throwable> onFailure;
    /** One queue per priority class, null until its first operation. */
    private final ConcurrentLinkedQueue<Runnable>[] queues;
    private volatile int clientQueued;
    /** 1 while a drain is queued on the pool or running. */
    private volatile int scheduled;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * @param name           for logs, by its {@code toString()} (an object rather than a string, so that 10,000
     *                       partitions keep no 10,000 names)
     * @param pool           the shared pool
     * @param maxClientQueue client operations queued at most
     * @param afterDrain     runs on the executor after every drain
     * @param onFailure      runs on the executor with whatever an operation or {@code afterDrain} threw
     */
    @SuppressWarnings("unchecked")
    public RaftPartitionExecutor(Object name, Executor pool, int maxClientQueue, Runnable afterDrain,
                                 Consumer<Throwable> onFailure) {
        this.name = name;
        this.pool = pool;
        this.maxClientQueue = maxClientQueue;
        this.afterDrain = afterDrain;
        this.onFailure = onFailure;
        this.queues = new ConcurrentLinkedQueue[Priority.values().length];
    }

    /** The class's queue, or null if no operation of the class was ever posted. */
    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<Runnable> queue(int priority) {
        return (ConcurrentLinkedQueue<Runnable>) QUEUE.getVolatile(queues, priority);
    }

    /** The class's queue, made on its first operation. */
    private ConcurrentLinkedQueue<Runnable> queueToAdd(int priority) {
        ConcurrentLinkedQueue<Runnable> queue = queue(priority);
        if (queue == null) {
            QUEUE.compareAndSet(queues, priority, null, new ConcurrentLinkedQueue<Runnable>());
            queue = queue(priority);
        }
        return queue;
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
        if (priority == Priority.CLIENT && CLIENT_QUEUED.incrementAndGet(this) > maxClientQueue) {
            CLIENT_QUEUED.decrementAndGet(this);
            return false;
        }
        queueToAdd(priority.ordinal()).add(operation);
        schedule();
        return true;
    }

    /**
     * Stops running operations: later posts are refused and queued operations are dropped (their owner answers
     * whatever callers they held). Never waits, so an operation of this executor may call it.
     *
     * @return completes once no operation of this executor runs any more: at once if none is running, otherwise
     *         when the running drain ends (on its thread)
     */
    public CompletableFuture<Void> close() {
        closed = true;
        for (int i = 0; i < queues.length; i++) {
            ConcurrentLinkedQueue<Runnable> queue = queue(i);
            if (queue != null) {
                queue.clear();
            }
        }
        if (scheduled == 0) {
            terminated.complete(null);
        }
        return terminated;
    }

    /**
     * Operations queued and not yet run, for a gauge: it walks the queues (linear in their length), so it is meant
     * for an occasional reading, not the hot path.
     */
    public int queued() {
        int queued = 0;
        for (int i = 0; i < queues.length; i++) {
            ConcurrentLinkedQueue<Runnable> queue = queue(i);
            queued += queue == null ? 0 : queue.size();
        }
        return queued;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void schedule() {
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            try {
                pool.execute(() -> LibraryThreads.run(this::drain));
            } catch (RejectedExecutionException shuttingDown) {
                idle();
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
                } catch (Throwable e) {
                    failed(e);
                }
            }
        } finally {
            idle();
        }
        if (!closed && hasQueued()) {
            schedule();
        }
    }

    /** No drain runs (or is queued) any more; a close that found one running completes here. */
    private void idle() {
        scheduled = 0;
        if (closed) {
            terminated.complete(null);
        }
    }

    private void failed(Throwable error) {
        try {
            onFailure.accept(error);
        } catch (Throwable e) {
            e.addSuppressed(error);
            LOG.error("{}: handling a failed operation failed", name, e);
        }
    }

    /** Runs one round of at most {@code budget} operations: each class up to its quantum, highest first. */
    private int runRound(int budget) {
        int ran = 0;
        for (Priority priority : PRIORITIES) {
            ConcurrentLinkedQueue<Runnable> queue = queue(priority.ordinal());
            for (int i = 0; queue != null && i < priority.quantum() && ran < budget && !closed; i++) {
                Runnable operation = queue.poll();
                if (operation == null) {
                    break;
                }
                if (priority == Priority.CLIENT) {
                    CLIENT_QUEUED.decrementAndGet(this);
                }
                ran++;
                try {
                    operation.run();
                } catch (Throwable e) {
                    failed(e);
                }
            }
        }
        return ran;
    }

    private boolean hasQueued() {
        for (int i = 0; i < queues.length; i++) {
            ConcurrentLinkedQueue<Runnable> queue = queue(i);
            if (queue != null && !queue.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
