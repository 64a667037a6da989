package io.kommander.bench.cli;

import io.kommander.bench.load.BenchRunner;
import io.kommander.bench.load.RunResult;
import io.kommander.bench.load.Workload;
import io.kommander.bench.system.SystemKind;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs several systems one after another through the same workload, printing each system's configuration and a
 * live line per second. Shared by {@code run}, {@code compare} and {@code sweep}.
 */
final class SystemRuns {

    private static final Duration VERIFY_PATIENCE = Duration.ofSeconds(60);

    private final WorkloadOptions options;
    private final PrintStream out;

    SystemRuns(WorkloadOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs every system through the workload, in order. */
    List<RunResult> run(List<SystemKind> systems, Workload workload) throws Exception {
        BenchRunner runner = new BenchRunner(options.dataRoot(), options.nodes, VERIFY_PATIENCE);
        List<RunResult> results = new ArrayList<>();
        for (SystemKind kind : systems) {
            out.printf("%n== %s: %d nodes (%s), %s%n", kind.reportName(), options.nodes, options.jvms().description(),
                    workload);
            RunResult result = runner.run(() -> kind.create(options.ratisTransport, options.jvms()), workload,
                    new LiveLine(out, kind.reportName()));
            out.println(result.configuration());
            results.add(result);
        }
        return results;
    }
}
