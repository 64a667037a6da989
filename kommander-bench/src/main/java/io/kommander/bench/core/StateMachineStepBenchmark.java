package io.kommander.bench.core;

import io.kommander.internal.partition.MachineNet;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The consensus core alone: one proposal on the leader of three bare state machines, every message delivered and
 * every write completed at once (the core's hand-driven test network), until the entry is committed and delivered
 * on all three. Measures the state machine's own cost per entry, without threads, WAL or network. The network
 * comes from the core's test kit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StateMachineStepBenchmark {

    private MachineNet net;

    /** A fresh three-member group with an elected leader for each iteration (the log grows during one). */
    @Setup(Level.Iteration)
    public void elect() {
        net = new MachineNet("a", "b", "c");
        net.elect("a");
    }

    /** Proposes one entry and delivers until quiet: committed and delivered everywhere. */
    @Benchmark
    public long proposeAndReplicate() {
        long request = net.propose("a", "payload");
        net.deliverAll();
        net.clearOutputs();
        return request;
    }
}
