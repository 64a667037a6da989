package io.kommander.bench.cli;

import io.kommander.bench.capacity.CapacityComparison;
import io.kommander.bench.capacity.CapacityPlan;
import io.kommander.bench.capacity.CapacityRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code capacity}: the same fixed-rate load on 3 then 6 Kommander nodes (R = 3, one JVM per node, RocksDbWAL and
 * NettyTransport on loopback); per node, CPU seconds, bytes synced and messages sent per acknowledged write, and
 * partitions led; each node's share should halve at 6 nodes. Prints the table and the verdicts on standard output
 * (progress on standard error) and, with {@code --json}, writes one JSON object. Exits 0 only if both runs verified
 * and every judged share halved (within the tolerance).
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = "Compare each node's share of the same load on 3 and 6 nodes (R = 3, one JVM per node).")
public final class CapacityCommand implements Callable<Integer> {

    @Option(names = "--partitions", defaultValue = "64", description = "User partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--payload", defaultValue = "256", description = "Bytes per entry (default: ${DEFAULT-VALUE}).")
    int payload;

    // 2,000 writes/s: at 500, what a JVM spends whatever the load (its timers, node liveness, partition 0) is a
    // large part of a 6-node window's CPU, and the share measured is then that, not each write's (docs/benchmarks.md).
    @Option(names = "--rate", defaultValue = "2000", description = "Total writes/s on a fixed schedule, the same for "
            + "both clusters (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--clients", defaultValue = "4", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--inflight", defaultValue = "64", description = "Outstanding writes per client at most "
            + "(default: ${DEFAULT-VALUE}).")
    int inflight;

    @Option(names = "--small", defaultValue = "3", description = "Nodes of the first cluster (default: "
            + "${DEFAULT-VALUE}).")
    int small;

    @Option(names = "--large", defaultValue = "6", description = "Nodes of the second cluster (default: "
            + "${DEFAULT-VALUE}).")
    int large;

    // 60 s: each child JVM's JIT compiles for tens of seconds after the load starts; a 10 s warm-up measured six
    // compiling JVMs against three (the "JIT us/write" row shows what is left).
    @Option(names = "--warmup", defaultValue = "60", description = "Warm-up seconds, not measured "
            + "(default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--jit-wait", defaultValue = "120", description = "After the warm-up, how many more seconds the "
            + "load may go on unmeasured until no node's JIT spends over 1 % of the time compiling (default: "
            + "${DEFAULT-VALUE}; 0: measure right after the warm-up).")
    int jitWaitSeconds;

    @Option(names = "--duration", defaultValue = "30", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--tolerance", defaultValue = "0.05", description = "How far above the target ratio "
            + "(small/large) a share may be and still pass (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--timeout-seconds", defaultValue = "180", description = "Bound of the placement wait and of the "
            + "delivery check (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--data-dir", description = "Where clusters keep their data (default: a folder in the system's "
            + "temporary directory). Use the disk you want to measure.")
    Path dataDir;

    @Option(names = "--json", description = "Also write the result as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        Path root = dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"), "kommander-bench");
        CapacityPlan plan = new CapacityPlan(partitions, payload, rate, clients, inflight,
                Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(jitWaitSeconds),
                Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(timeoutSeconds), root);
        CapacityComparison result = new CapacityRun(plan, System.err).compare(small, large, tolerance);
        System.out.println();
        System.out.print(result.text());
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, result.toJson() + "\n", StandardCharsets.UTF_8);
        }
        return result.passed() ? 0 : 1;
    }
}
