package io.kommander.bench.load;

import java.time.Duration;

/**
 * What the load generator does: {@code clients} client threads, each keeping up to {@code inflightPerClient}
 * writes of {@code payloadBytes} outstanding, spread round-robin over {@code partitions}, for {@code warmup} then
 * {@code duration}. With {@code ratePerSecond > 0} the clients issue writes on a fixed schedule instead and latency
 * is measured from each write's scheduled time (corrected for coordinated omission).
 *
 * @param partitions        partitions written to
 * @param payloadBytes      bytes per entry
 * @param clients           client threads
 * @param inflightPerClient outstanding writes per client
 * @param duration          the measured phase
 * @param warmup            the phase before it, not measured
 * @param ratePerSecond     total writes per second for the fixed-rate mode, or 0 for closed loop
 */
public record Workload(int partitions, int payloadBytes, int clients, int inflightPerClient, Duration duration,
                       Duration warmup, long ratePerSecond) {

    /** Validates the workload. */
    public Workload {
        if (partitions < 1 || clients < 1 || inflightPerClient < 1) {
            throw new IllegalArgumentException("partitions, clients and in-flight must be positive");
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative() || ratePerSecond < 0) {
            throw new IllegalArgumentException("duration must be positive, warm-up and rate not negative");
        }
    }

    /** Whether writes follow a fixed schedule. */
    public boolean fixedRate() {
        return ratePerSecond > 0;
    }

    /** Writes outstanding at most. */
    public int totalInflight() {
        return clients * inflightPerClient;
    }
}
