package io.kommander.bench.cli;

import io.kommander.bench.moves.MovesResult;
import io.kommander.bench.moves.MovesRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code moves}: a split and a merge under load on three Kommander nodes in this JVM (RocksDbWAL, NettyTransport on
 * loopback): write throughput and latency before, during and after each, PartitionMoved refusals, how long each
 * took, and an exactly-once check of every acknowledged write. Prints one JSON object on standard output; progress
 * and a table go to standard error. Exits 1 when the exactly-once check fails.
 */
@Command(name = "moves", mixinStandardHelpOptions = true,
        description = "Measure a split and a merge under keyed writes: latency before, during and after each.")
public final class MovesCommand implements Callable<Integer> {

    @Option(names = "--partitions", defaultValue = "4",
            description = "Routed user partitions at the start; partition 1 is split (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--clients", defaultValue = "16",
            description = "Client threads, one write in flight each (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Discarded warm-up (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--window-seconds", defaultValue = "10",
            description = "Each of the before, after and final windows (default: ${DEFAULT-VALUE}).")
    double windowSeconds;

    @Option(names = "--timeout-seconds", defaultValue = "120",
            description = "Bound of every wait (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        MovesResult result = new MovesRun(partitions, clients, (long) (warmupSeconds * 1000),
                (long) (windowSeconds * 1000), timeoutSeconds * 1000, System.err).run();
        System.out.println(result.toJson());
        return result.exactlyOnce() ? 0 : 1;
    }
}
