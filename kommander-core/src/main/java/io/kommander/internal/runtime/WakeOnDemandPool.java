package io.kommander.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of threads for many short tasks posted from many threads (partition drains, transport flushes),
 * which wakes a parked worker only when no awake worker is already looking for a task.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its queue takes two locks per task, so the WAL, transport and partition
 * threads that post drains contend on them (and a contended lock parks a thread), and it wakes an idle worker for
 * every task that finds the queue empty, even when the worker just woken for the previous task is about to take this
 * one too. A WAL group completion posts one drain per partition of the group; here the first wakes one worker, and
 * each woken worker that finds more than it takes wakes the next one (as Go's scheduler does with its spinning
 * threads), so a burst of posts costs about as many wake-ups as workers it keeps busy.
 *
 * <p>Tasks run in submission order of the shared queue, each on one worker; a task that throws is reported to the
 * worker's uncaught-exception handler and the worker goes on. Thread-safe.
 */
public final class WakeOnDemandPool extends AbstractExecutorService {

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOPPED = 2;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Parked workers, the most recently parked first: it is the likeliest to still have its caches warm. */
    private final ConcurrentLinkedDeque<Worker> parked = new ConcurrentLinkedDeque<>();
    /** Awake workers that have no task yet: while one exists, a new task needs no wake-up. */
    private final AtomicInteger searching = new AtomicInteger();
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger alive = new AtomicInteger();
    private final Object terminationLock = new Object();
    private volatile int state = RUNNING;

    /**
     * Starts {@code threads} workers.
     *
     * @param threads the workers, at least one
     * @param factory makes each worker's thread
     */
    public WakeOnDemandPool(int threads, ThreadFactory factory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker();
            worker.thread = factory.newThread(worker);
            workers.add(worker);
        }
        alive.set(threads);
        // Each worker starts searching, and parks once it found nothing.
        searching.set(threads);
        workers.forEach(w -> w.thread.start());
    }

    /**
     * Queues {@code task}; wakes a parked worker unless an awake one is looking for work.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        if (state != RUNNING) {
            throw new RejectedExecutionException("pool is shut down");
        }
        tasks.offer(task);
        if (searching.get() == 0) {
            wakeOne();
        }
    }

    /** Wakes the most recently parked worker, if any, counting it as searching until it takes a task. */
    private void wakeOne() {
        Worker worker = parked.pollFirst();
        if (worker != null) {
            searching.incrementAndGet();
            worker.wake();
        }
    }

    private final class Worker implements Runnable {
        Thread thread;
        /** Set by the waker before unparking, so that a spurious return from park is told apart. */
        volatile boolean woken;

        void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            boolean isSearching = true;
            try {
                while (true) {
                    Runnable task = tasks.poll();
                    if (task != null) {
                        if (isSearching) {
                            isSearching = false;
                            // The last searcher found work and more is queued: wake the next worker for it.
                            if (searching.decrementAndGet() == 0 && !tasks.isEmpty()) {
                                wakeOne();
                            }
                        }
                        runTask(task);
                        continue;
                    }
                    if (state != RUNNING) {
                        return;
                    }
                    if (isSearching) {
                        isSearching = false;
                        searching.decrementAndGet();
                    }
                    parked.addFirst(this);
                    // Checked after being listed as parked: a task posted before that found no worker to wake.
                    if ((!tasks.isEmpty() || state != RUNNING) && parked.remove(this)) {
                        continue;
                    }
                    while (!woken) {
                        LockSupport.park(this);
                    }
                    woken = false;
                    isSearching = true;
                }
            } finally {
                if (isSearching) {
                    searching.decrementAndGet();
                }
                if (alive.decrementAndGet() == 0) {
                    synchronized (terminationLock) {
                        terminationLock.notifyAll();
                    }
                }
            }
        }

        private void runTask(Runnable task) {
            try {
                task.run();
            } catch (Throwable e) {
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
            // An interrupt left by a task must not reach the next task, nor turn parking into a busy loop.
            if (state == RUNNING) {
                Thread.interrupted();
            }
        }
    }

    /** Refuses new tasks; the workers run every queued one, then end. */
    @Override
    public void shutdown() {
        if (state == RUNNING) {
            state = SHUTDOWN;
        }
        wakeAll();
    }

    /** Refuses new tasks, drops the queued ones (returned) and interrupts the workers. */
    @Override
    public List<Runnable> shutdownNow() {
        state = STOPPED;
        List<Runnable> dropped = new ArrayList<>();
        Runnable task;
        while ((task = tasks.poll()) != null) {
            dropped.add(task);
        }
        workers.forEach(w -> w.thread.interrupt());
        wakeAll();
        return dropped;
    }

    private void wakeAll() {
        Worker worker;
        while ((worker = parked.pollFirst()) != null) {
            searching.incrementAndGet();
            worker.wake();
        }
    }

    @Override
    public boolean isShutdown() {
        return state != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return alive.get() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (terminationLock) {
            while (alive.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(terminationLock, left);
            }
        }
        return true;
    }
}
