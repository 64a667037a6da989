package io.kommander.cluster;

import io.kommander.internal.runtime.DefaultRaftRuntime;
import io.kommander.runtime.IRaftRuntime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * Per-node clocks a test steers: each node's runtime (real threads and timers) reads its own clock, which is real
 * time plus an offset until the test freezes it at a value. Frozen clocks make what depends on time (tickets,
 * time-outs, elections) a function of the test's steps rather than of scheduling.
 *
 * <p>Thread-safe.
 */
final class SteeredClocks {

    private static final long RUNNING = Long.MIN_VALUE;

    private final Map<Integer, long[]> clocks = new ConcurrentHashMap<>();

    /** A runtime on real threads whose clock is node {@code node}'s steered clock; the caller closes it. */
    IRaftRuntime runtime(int node) {
        long[] clock = clock(node);
        DefaultRaftRuntime real = new DefaultRaftRuntime("steered-" + node, 2, 1, 1, 1000 + node);
        return new IRaftRuntime() {
            @Override
            public long monotonicMillis() {
                // Timers read the steered clock too, so time-outs and elections follow the test's steps; the test
                // only ever moves it forward or holds it.
                return wallClockMillis();
            }

            @Override
            public long wallClockMillis() {
                synchronized (clock) {
                    return clock[0] != RUNNING ? clock[0] : System.currentTimeMillis() + clock[1];
                }
            }

            @Override
            public Cancellable schedule(long delayMillis, Runnable task) {
                return real.schedule(delayMillis, task);
            }

            @Override
            public Executor partitionPool() {
                return real.partitionPool();
            }

            @Override
            public Executor walWritePool() {
                return real.walWritePool();
            }

            @Override
            public Executor walReadPool() {
                return real.walReadPool();
            }

            @Override
            public Executor callbackExecutor() {
                return real.callbackExecutor();
            }

            @Override
            public RandomGenerator random(long salt) {
                return real.random(salt);
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    /** Stops node {@code node}'s clock at {@code millis}. */
    void freeze(int node, long millis) {
        long[] clock = clock(node);
        synchronized (clock) {
            clock[0] = millis;
        }
    }

    /** Lets node {@code node}'s frozen clock run again from the reading it stopped at: it does not jump. */
    void resume(int node) {
        long[] clock = clock(node);
        synchronized (clock) {
            if (clock[0] != RUNNING) {
                clock[1] = clock[0] - System.currentTimeMillis();
                clock[0] = RUNNING;
            }
        }
    }

    /** Lets node {@code node}'s clock run again, {@code offsetMillis} from real time. */
    void run(int node, long offsetMillis) {
        long[] clock = clock(node);
        synchronized (clock) {
            clock[0] = RUNNING;
            clock[1] = offsetMillis;
        }
    }

    private long[] clock(int node) {
        return clocks.computeIfAbsent(node, n -> new long[] {RUNNING, 0});
    }
}
