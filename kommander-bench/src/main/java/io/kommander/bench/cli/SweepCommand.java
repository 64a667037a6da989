package io.kommander.bench.cli;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.load.Workload;
import io.kommander.bench.report.ChartWriter;
import io.kommander.bench.report.DiskSyncProbe;
import io.kommander.bench.report.JsonReport;
import io.kommander.bench.report.MachineInfo;
import io.kommander.bench.report.ResultTable;
import io.kommander.bench.report.SweepReport;
import io.kommander.bench.report.TargetCheck;
import io.kommander.bench.system.SystemKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sweep}: the comparison over partitions x payloads, the target scenarios, the disk's synced-write
 * bandwidth, charts, and the generated section of {@code docs/benchmark-results.md}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Compare all systems over partitions x payloads and write docs/benchmark-results.md.")
public final class SweepCommand implements Callable<Integer> {

    private static final int TARGET_PAYLOAD = 256;
    private static final int TARGET_LARGE_PAYLOAD = 16 * 1024;
    private static final Duration DISK_PROBE = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Mixin
    WorkloadOptions workload;

    @Option(names = "--grid-partitions", split = ",", defaultValue = "1,16,256",
            description = "Partitions of the grid (default: ${DEFAULT-VALUE}).")
    List<Integer> gridPartitions;

    @Option(names = "--grid-payloads", split = ",", defaultValue = "64,1024,16384",
            description = "Payloads of the grid (default: ${DEFAULT-VALUE}).")
    List<Integer> gridPayloads;

    @Option(names = "--target-partitions", defaultValue = "64",
            description = "Partitions of the many-partitions target (default: ${DEFAULT-VALUE}).")
    int targetPartitions;

    @Option(names = "--out", defaultValue = "docs/benchmark-results.md", description = "The report (default: "
            + "${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every run as JSON.")
    Path json;

    @Option(names = "--note", defaultValue = "", description = "A note for the report (e.g. the machine was shared).")
    String note;

    @Override
    public Integer call() throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        double diskSmall = DiskSyncProbe.bytesPerSecond(workload.dataRoot(), 16 * 1024, DISK_PROBE);
        double diskLarge = DiskSyncProbe.bytesPerSecond(workload.dataRoot(), 1024 * 1024, DISK_PROBE);
        SystemRuns runs = new SystemRuns(workload, System.out);
        List<SystemKind> systems = List.of(SystemKind.values());
        Path chartDir = out.toAbsolutePath().getParent().resolve("benchmarks");
        List<RunResult> all = new ArrayList<>();
        List<String> charts = new ArrayList<>();
        for (int payload : gridPayloads) {
            List<RunResult> row = new ArrayList<>();
            for (int partitions : gridPartitions) {
                row.addAll(runs.run(systems, workload.withShape(partitions, payload)));
            }
            String chart = "sweep-" + payload + "B.svg";
            ChartWriter.write(chartDir.resolve(chart), "payload " + payload + " B: throughput and p99", row);
            charts.add("benchmarks/" + chart);
            all.addAll(row);
        }
        List<String> targets = targets(runs, systems, diskLarge, all);
        SweepReport report = new SweepReport(MachineInfo.current(), load, diskSmall, diskLarge, command(), note,
                targets, all, charts);
        report.writeInto(out);
        if (json != null) {
            JsonReport.write(json, all);
        }
        System.out.println();
        System.out.print(ResultTable.text(all));
        targets.forEach(System.out::println);
        return all.stream().allMatch(RunResult::passed) ? 0 : 1;
    }

    private List<String> targets(SystemRuns runs, List<SystemKind> systems, double disk, List<RunResult> all)
            throws Exception {
        List<String> lines = new ArrayList<>();
        Workload single = workload.withShape(1, TARGET_PAYLOAD);
        List<RunResult> singleRuns = runs.run(systems, single);
        all.addAll(singleRuns);
        lines.add(TargetCheck.versusPeers("1 partition, 256 B, " + single.totalInflight() + " in flight",
                singleRuns, 2.0, true));
        List<RunResult> manyRuns = runs.run(systems, workload.withShape(targetPartitions, TARGET_PAYLOAD));
        all.addAll(manyRuns);
        lines.add(TargetCheck.versusPeers(targetPartitions + " partitions, 256 B", manyRuns, 3.0, false));
        all.stream().filter(r -> r.system().equals("kommander") && r.payload() == TARGET_LARGE_PAYLOAD)
                .max(java.util.Comparator.comparingDouble(RunResult::throughput))
                .ifPresent(r -> lines.add(TargetCheck.versusDisk("16 KiB entries (" + r.partitions()
                        + " partitions)", r, disk, 0.5)));
        return lines;
    }

    private String command() {
        return "java -jar kommander-bench/target/kommander-bench.jar " + spec.commandLine().getParseResult()
                .originalArgs().stream().map(arg -> arg.contains(" ") ? "'" + arg + "'" : arg)
                .collect(java.util.stream.Collectors.joining(" "));
    }
}
