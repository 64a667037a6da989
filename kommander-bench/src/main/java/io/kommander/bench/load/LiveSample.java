package io.kommander.bench.load;

/**
 * One interval of a running load, for a live view.
 *
 * @param elapsedMillis     time since the load started (warm-up included)
 * @param measuring         whether the measured phase has begun
 * @param opsPerSecond      acknowledged writes per second over the interval
 * @param p99Millis         the interval's 99th percentile latency
 * @param acknowledged      acknowledged writes since the start
 * @param errors            failed writes since the start
 */
public record LiveSample(long elapsedMillis, boolean measuring, double opsPerSecond, double p99Millis,
                         long acknowledged, long errors) {
}
