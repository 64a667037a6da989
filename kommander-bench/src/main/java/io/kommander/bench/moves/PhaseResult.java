package io.kommander.bench.moves;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * What the clients saw in one phase of a {@code moves} run.
 *
 * @param name      before, split, after, merge or final
 * @param millis    the phase's length
 * @param writes    writes acknowledged in it
 * @param p50Ms     median latency of those writes (from the first try to the acknowledgement, retries included)
 * @param p99Ms     99th percentile latency
 * @param maxMs     the slowest write
 * @param refusals  tries refused with {@code PartitionMoved} (each retried with a fresh map)
 * @param errors    writes given up with an outcome that is not known (never counted as acknowledged)
 */
public record PhaseResult(String name, long millis, long writes, double p50Ms, double p99Ms, double maxMs, long refusals,
                   long errors) {

    /** The phase's result from its latency histogram (microseconds) and counts. */
    static PhaseResult of(String name, long millis, Histogram latencyMicros, long refusals, long errors) {
        return new PhaseResult(name, millis, latencyMicros.getTotalCount(),
                latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getMaxValue() / 1000.0, refusals, errors);
    }

    /** Acknowledged writes per second over the phase. */
    public double writesPerSecond() {
        return millis == 0 ? 0 : writes * 1000.0 / millis;
    }

    /** One JSON object. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"phase\": \"%s\", \"millis\": %d, \"writes\": %d, \"writesPerSecond\": "
                        + "%.1f, \"p50Ms\": %.3f, \"p99Ms\": %.3f, \"maxMs\": %.3f, \"partitionMovedRefusals\": %d, "
                        + "\"errors\": %d}",
                name, millis, writes, writesPerSecond(), p50Ms, p99Ms, maxMs, refusals, errors);
    }

    /** One line of the table printed for people. */
    public String toLine() {
        return String.format(Locale.ROOT, "%-7s %7d ms %9.1f writes/s  p50 %8.3f  p99 %8.3f  max %9.3f ms  "
                + "moved %5d  errors %d", name, millis, writesPerSecond(), p50Ms, p99Ms, maxMs, refusals, errors);
    }
}
