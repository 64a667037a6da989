package io.kommander.bench.load;

import org.HdrHistogram.Histogram;

import java.util.BitSet;
import java.util.List;

/**
 * What a load run measured.
 *
 * @param acknowledgedInMeasure writes acknowledged during the measured phase
 * @param seconds               the measured phase's length
 * @param latencyNanos          latencies of the measured phase
 * @param errors                writes that failed during the measured phase
 * @param cpuPercent            this process's CPU over the measured phase, in percent of the machine
 * @param acknowledged          per partition, the ids of every acknowledged write (warm-up included)
 */
public record LoadOutcome(long acknowledgedInMeasure, double seconds, Histogram latencyNanos, long errors,
                          double cpuPercent, List<BitSet> acknowledged) {

    /** Acknowledged writes per second in the measured phase. */
    public double throughput() {
        return seconds <= 0 ? 0 : acknowledgedInMeasure / seconds;
    }

    /** A latency percentile in milliseconds (0 when nothing was measured). */
    public double percentileMillis(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
}
