package io.kommander.bench.cli;

import io.kommander.bench.load.Workload;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.ratis.RatisTransport;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The command-line options shared by {@code run}, {@code compare} and {@code sweep}: cluster and load shape, where
 * the nodes run; the client options come from {@link ClientLoadOptions}, shared with {@code demo}.
 */
public final class WorkloadOptions {

    @Option(names = "--nodes", defaultValue = "3", description = "Replicas per cluster (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions, one Raft group each "
            + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    ClientLoadOptions load;

    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds, not measured "
            + "(default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--rate", defaultValue = "0", description = "Total writes/s on a fixed schedule, latency "
            + "corrected for coordinated omission; 0 = closed loop (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--data-dir", description = "Where clusters keep their data (default: a folder in the system's "
            + "temporary directory). Use the disk you want to measure.")
    Path dataDir;

    @Option(names = "--ratis-transport", defaultValue = "netty", description = "Ratis transport: netty or grpc "
            + "(default: ${DEFAULT-VALUE}).", converter = RatisTransportConverter.class)
    RatisTransport ratisTransport;

    @Option(names = "--process-per-node", description = "Run each node in a JVM of its own (child processes); "
            + "by default every system runs all its nodes in this JVM.")
    boolean processPerNode;

    /** Where the nodes run, as asked. */
    public JvmMode jvms() {
        return JvmMode.of(processPerNode);
    }

    /** The workload these options describe. */
    public Workload workload() {
        return withShape(partitions, load.payload);
    }

    /** The same workload with other partitions and payload (for sweeps). */
    public Workload withShape(int partitionCount, int payloadBytes) {
        return load.workload(partitionCount, payloadBytes, Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(warmupSeconds), rate);
    }

    /** The data root. */
    public Path dataRoot() {
        return dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"), "kommander-bench");
    }
}
