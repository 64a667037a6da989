package io.kommander.bench.cli;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.report.ResultTable;
import io.kommander.bench.system.SystemKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code compare}: the same workload against Kommander, SOFAJRaft and Ratis, one after another, same cluster shape,
 * payloads and client concurrency. Exit code 0 only if every run passed (see
 * {@link io.kommander.bench.load.Verdict}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run the same workload against Kommander, SOFAJRaft and Ratis, one after another.")
public final class CompareCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Mixin
    ReportOptions report;

    @Option(names = "--systems", split = ",", defaultValue = "kommander,sofajraft,ratis",
            description = "Systems to run, in order (default: ${DEFAULT-VALUE}).",
            converter = SystemKindConverter.class)
    List<SystemKind> systems;

    @Override
    public Integer call() throws Exception {
        List<RunResult> results = new SystemRuns(workload, System.out).run(systems, workload.workload());
        System.out.println();
        System.out.print(ResultTable.text(results));
        report.write("compare: " + workload.workload().partitions() + " partitions, "
                + workload.workload().payloadBytes() + " B", results);
        return results.stream().allMatch(RunResult::passed) ? 0 : 1;
    }
}
