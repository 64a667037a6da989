package io.kommander.internal.runtime;

import io.kommander.runtime.IRaftRuntime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The production runtime: {@link System#nanoTime()} for timers, the wall clock for tickets only, a scheduled timer
 * thread, fixed pools of daemon threads for partition executors, WAL writes and WAL reads, and one callback
 * thread that takes its tasks in bursts ({@link SerialBatches}). Thread counts are fixed at creation; partitions
 * never get threads of their own.
 */
public final class DefaultRaftRuntime implements IRaftRuntime {

    private final ScheduledExecutorService timer;
    private final ExecutorService partitionPool;
    private final ExecutorService walWritePool;
    private final ExecutorService walReadPool;
    private final ExecutorService callbackPool;
    /** The callback thread as callers see it: answers queued in bursts (see {@link SerialBatches}). */
    private final Executor callbacks;
    /** Threads of every pool, so that {@link #close()} called from one never waits for its own pool. */
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
    private final long seed;
    private final long nanoOrigin = System.nanoTime();

    /**
     * Creates a runtime.
     *
     * @param name             prefix of thread names (for example the node's name)
     * @param partitionThreads threads shared by every partition executor
     * @param walWriteThreads  threads that run WAL writes
     * @param walReadThreads   threads that run WAL reads
     * @param seed             the seed every {@link #random(long)} source derives from
     */
    public DefaultRaftRuntime(String name, int partitionThreads, int walWriteThreads, int walReadThreads, long seed) {
        this.timer = Executors.newSingleThreadScheduledExecutor(threads(name + "-timer"));
        this.partitionPool = Executors.newFixedThreadPool(partitionThreads, threads(name + "-partition"));
        this.walWritePool = Executors.newFixedThreadPool(walWriteThreads, threads(name + "-wal-write"));
        this.walReadPool = Executors.newFixedThreadPool(walReadThreads, threads(name + "-wal-read"));
        this.callbackPool = Executors.newSingleThreadExecutor(threads(name + "-callback"));
        this.callbacks = new SerialBatches(callbackPool);
        this.seed = seed;
    }

    private ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(() -> {
                try {
                    runnable.run();
                } finally {
                    ownThreads.remove(Thread.currentThread());
                }
            }, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            ownThreads.add(thread);
            return thread;
        };
    }

    @Override
    public long monotonicMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoOrigin);
    }

    @Override
    public long wallClockMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        try {
            ScheduledFuture<?> future = timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            return () -> { };
        }
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
        return callbacks;
    }

    @Override
    public RandomGenerator random(long salt) {
        return IRaftRuntime.seeded(seed, salt);
    }

    /**
     * Stops every thread, waiting a bounded time for queued work. Called from one of the runtime's own threads (a
     * closing node releases it from the callback thread) it does not wait: that thread's task ends only after this
     * returns, and the pools finish their queued work on their own.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        partitionPool.shutdown();
        walWritePool.shutdown();
        walReadPool.shutdown();
        callbackPool.shutdown();
        if (ownThreads.contains(Thread.currentThread())) {
            return;
        }
        awaitQuietly(partitionPool);
        awaitQuietly(walWritePool);
        awaitQuietly(walReadPool);
        awaitQuietly(callbackPool);
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
