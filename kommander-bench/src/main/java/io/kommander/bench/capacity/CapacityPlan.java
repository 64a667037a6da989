package io.kommander.bench.capacity;

import io.kommander.bench.load.Workload;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What both clusters of a {@code capacity} run are given: the same partitions and the same load, a fixed total rate
 * so that both do the same work, and the bounds of its waits.
 *
 * @param partitions   user partitions
 * @param payloadBytes bytes per entry
 * @param rate         total writes per second, on a fixed schedule
 * @param clients      client threads
 * @param inflight     writes in flight per client at most
 * @param warmup       discarded load before the window
 * @param window       the measured window
 * @param jitWait      how much longer than {@code warmup} the load may go on unmeasured while a node's JIT is still
 *                     compiling (zero: never longer)
 * @param timeout      bound of the placement wait and of the delivery check
 * @param dataRoot     under which each cluster makes (and removes) its data folder
 */
public record CapacityPlan(int partitions, int payloadBytes, long rate, int clients, int inflight, Duration warmup,
                           Duration jitWait, Duration window, Duration timeout, Path dataRoot) {

    /** Validates the plan. */
    public CapacityPlan {
        if (rate < 1) {
            throw new IllegalArgumentException("the capacity run needs a fixed rate (writes/s), not " + rate);
        }
        if (jitWait.isNegative()) {
            throw new IllegalArgumentException("the JIT wait must not be negative: " + jitWait);
        }
        workload(partitions, payloadBytes, rate, clients, inflight, warmup, window); // validates the rest
    }

    /** The load both clusters get. */
    public Workload workload() {
        return workload(partitions, payloadBytes, rate, clients, inflight, warmup, window);
    }

    private static Workload workload(int partitions, int payloadBytes, long rate, int clients, int inflight,
                                     Duration warmup, Duration window) {
        return new Workload(partitions, payloadBytes, clients, inflight, window, warmup, rate);
    }
}
