package io.kommander.bench.load;

import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.DataDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one system through one workload: a fresh data folder, start, load, verify, close, delete the folder.
 */
public final class BenchRunner {

    private final Path dataRoot;
    private final int nodes;
    private final Duration verifyPatience;

    /**
     * A runner.
     *
     * @param dataRoot       under which each run makes (and removes) its own folder
     * @param nodes          replicas per cluster
     * @param verifyPatience how long followers may take to catch up after the load stops
     */
    public BenchRunner(Path dataRoot, int nodes, Duration verifyPatience) {
        this.dataRoot = dataRoot;
        this.nodes = nodes;
        this.verifyPatience = verifyPatience;
    }

    /**
     * Runs a system.
     *
     * @param factory makes the system (not started)
     * @param live    told about every second of the load
     * @return the run's result; a cluster that does not start gives a {@link Verdict#NO_START} row, so a sweep goes on
     * @throws Exception if the data folder cannot be made
     */
    public RunResult run(Supplier<BenchSystem> factory, Workload workload, Consumer<LiveSample> live)
            throws Exception {
        Files.createDirectories(dataRoot);
        Path dir = Files.createTempDirectory(dataRoot, "run-");
        try (BenchSystem system = factory.get()) {
            try {
                system.start(new ClusterShape(nodes, workload.partitions(), dir));
            } catch (Exception e) {
                return RunResult.notStarted(system.name(), nodes, workload, system.jvms().reportName(),
                        rootCause(e));
            }
            LoadOutcome outcome = new LoadGenerator(system, workload, live).run();
            Verification verification = new Verifier(verifyPatience).verify(outcome.acknowledged(), system::ledgers);
            return new RunResult(system.name(), nodes, workload.partitions(), workload.payloadBytes(),
                    workload.clients(), workload.inflightPerClient(), outcome.throughput(),
                    outcome.percentileMillis(50), outcome.percentileMillis(99), outcome.percentileMillis(99.9),
                    outcome.acknowledgedInMeasure(), outcome.errors(), true, verification.verified(), outcome.cpuPercent(),
                    system.jvms().reportName(), system.configuration());
        } finally {
            DataDirs.delete(dir);
        }
    }

    /** The innermost cause's type and message: what a reader needs to see why a cluster did not start. */
    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause == error ? String.valueOf(error.getMessage())
                : error.getMessage() + " (cause: " + cause + ")";
        return error.getClass().getSimpleName() + ": " + message.replace('\n', ' ');
    }
}
