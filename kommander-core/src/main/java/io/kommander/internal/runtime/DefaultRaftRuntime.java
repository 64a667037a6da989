package io.kommander.internal.runtime;

import io.kommander.runtime.IRaftRuntime;
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
 * thread, and fixed pools of daemon threads for partition executors, WAL writes and WAL reads. Thread counts are fixed at creation; partitions never get threads
 * of their own.
 */
public final class DefaultRaftRuntime implements IRaftRuntime {

    private final ScheduledExecutorService timer;
    private final ExecutorService partitionPool;
    private final ExecutorService walWritePool;
    private final ExecutorService walReadPool;
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
        this.seed = seed;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
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
    public RandomGenerator random(long salt) {
        return IRaftRuntime.seeded(seed, salt);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        partitionPool.shutdown();
        walWritePool.shutdown();
        walReadPool.shutdown();
        awaitQuietly(partitionPool);
        awaitQuietly(walWritePool);
        awaitQuietly(walReadPool);
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
