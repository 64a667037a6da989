package io.kommander.runtime;

import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * Everything a node needs from the outside world that involves time, threads or chance. Production uses a
 * runtime on real threads (the default); the deterministic simulator supplies one that runs a whole cluster on one
 * thread with virtual time, so one seed replays one run exactly.
 *
 * <p>Implementations are thread-safe.
 */
public interface IRaftRuntime extends AutoCloseable {

    /**
     * Milliseconds from a clock that never steps (an arbitrary origin, so only differences mean anything). Every
     * timer of the protocol reads it: elections, heartbeats, check-quorum, leader leases, transfer deadlines and
     * proposal time-outs. Production uses {@link System#nanoTime()}; it must not follow wall-clock adjustments.
     */
    long monotonicMillis();

    /**
     * Wall-clock milliseconds since the epoch. Only the hybrid logical clock that stamps tickets reads it (and never
     * goes back when it does); an operator or NTP stepping it back or forward changes nothing else.
     */
    long wallClockMillis();

    /**
     * Runs {@code task} once after {@code delayMillis}.
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(long delayMillis, Runnable task);

    /** The shared pool that runs partition executors' drains and the transport dispatcher's flushes. */
    Executor partitionPool();

    /** The pool that runs {@code IWAL} writes (a few workers; writes block on syncs). */
    Executor walWritePool();

    /** The pool that runs {@code IWAL} reads (recovery, catch-up of lagging followers). */
    Executor walReadPool();

    /**
     * Where the futures a node returns to its callers complete, unless the node's builder names another executor,
     * and where a closing node releases its transport, WAL and (if it owns it) this runtime. Never the partition
     * pool: the application's stages run here and must not hold up partitions. Tasks should run in the order they
     * were submitted (one thread does), so stages see the partitions' answers in order. {@link #close()} may be
     * called from one of its tasks and must not wait for that task.
     */
    Executor callbackExecutor();

    /**
     * A random source for one purpose, derived from the runtime's seed and {@code salt}, so that two nodes or two
     * partitions draw different but reproducible sequences. Not thread-safe: one owner each.
     */
    RandomGenerator random(long salt);

    /**
     * The derivation every runtime uses for {@link #random(long)}: a SplittableRandom seeded from the runtime's
     * seed and the salt, so the same (seed, salt) gives the same sequence in production and in the simulator.
     */
    static RandomGenerator seeded(long seed, long salt) {
        return new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + salt);
    }

    /** Stops the runtime's threads; scheduled tasks that have not run are dropped. */
    @Override
    void close();

    /** A scheduled task's handle. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run yet; does nothing otherwise. */
        void cancel();
    }
}
