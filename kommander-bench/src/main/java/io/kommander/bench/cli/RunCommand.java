package io.kommander.bench.cli;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.report.ResultTable;
import io.kommander.bench.system.SystemKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code run}: one system (Kommander by default) through one workload. Exit code 0 only if it passed (see
 * {@link io.kommander.bench.load.Verdict}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Load a cluster of one system and measure acknowledged writes/s and latency.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Mixin
    ReportOptions report;

    @Option(names = "--system", defaultValue = "kommander", description = "kommander, sofajraft or ratis "
            + "(default: ${DEFAULT-VALUE}).", converter = SystemKindConverter.class)
    SystemKind system;

    @Override
    public Integer call() throws Exception {
        List<RunResult> results = new SystemRuns(workload, System.out).run(List.of(system), workload.workload());
        System.out.println();
        System.out.print(ResultTable.text(results));
        report.write(system.reportName(), results);
        return results.stream().allMatch(RunResult::passed) ? 0 : 1;
    }
}
