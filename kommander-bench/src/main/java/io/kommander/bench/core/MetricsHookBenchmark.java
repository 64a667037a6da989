package io.kommander.bench.core;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.metrics.NodeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the metrics add to one write on its path through a node: the hooks a proposal passes (its start time, its
 * answer with the commit latency, the committed entry), without a registry ({@code none}) and with Micrometer's
 * {@link SimpleMeterRegistry} ({@code micrometer}). docs/benchmark-results.md reports the figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MetricsHookBenchmark {

    @Param({"none", "micrometer"})
    String registry;

    private NodeMetrics metrics;

    /** Binds the hooks to no registry or to a fresh simple registry. */
    @Setup
    public void setUp() {
        metrics = NodeMetrics.of("none".equals(registry) ? null : new SimpleMeterRegistry(), "bench");
    }

    /** One proposal's hooks: its start, its successful answer (a counter and the latency timer), one commit. */
    @Benchmark
    public void proposal() {
        long started = metrics.startTime();
        metrics.writeAnswered(RaftOperationStatus.Success, started);
        metrics.committed(1);
    }
}
