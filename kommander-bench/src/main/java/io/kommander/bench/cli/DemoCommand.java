package io.kommander.bench.cli;

import io.kommander.bench.demo.Demo;
import io.kommander.bench.demo.DemoSummary;
import io.kommander.bench.load.Workload;
import io.kommander.bench.system.DataDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code demo}: a local 3-node cluster replicating over several partitions, one node killed and restarted midway,
 * then a summary. Exit code 0 only if every node delivered the same sequence, acknowledged entries included.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A 3-node Kommander cluster in this process: replicate, kill a node, restart it, verify.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of the stream (default: "
            + "${DEFAULT-VALUE}).")
    int seconds;

    @Mixin
    ClientLoadOptions load;

    @Override
    public Integer call() throws Exception {
        Workload workload = load.workload(partitions, load.payload, Duration.ofSeconds(seconds), Duration.ZERO, 0);
        Path dataDir = Files.createTempDirectory("kommander-demo-");
        try {
            DemoSummary summary = new Demo(workload, dataDir).run();
            summary.print(System.out);
            return summary.verification().verified() ? 0 : 1;
        } finally {
            DataDirs.delete(dataDir);
        }
    }
}
