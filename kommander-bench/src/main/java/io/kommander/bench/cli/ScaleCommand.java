package io.kommander.bench.cli;

import io.kommander.bench.scale.ScaleRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code scale}: many partitions on three Kommander nodes in this JVM (RocksDbWAL, NettyTransport on loopback), idle:
 * time until every partition has a leader after a cold start, idle CPU per node, heap per partition replica, and a
 * restart of one node (elections, time until settled). Prints one JSON array, one object per partition count, on
 * standard output; progress goes to standard error.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Measure a cold start, idle CPU, heap per replica and a node restart at many partitions.")
public final class ScaleCommand implements Callable<Integer> {

    @Option(names = "--partitions", split = ",", defaultValue = "1000,10000",
            description = "User partitions per node, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> partitions;

    @Option(names = "--quiesce-after", description = "quiesceAfterHeartbeats of every node; 0 turns quiescence off "
            + "(default: the library's default).")
    Integer quiesceAfter;

    @Option(names = "--settle-seconds", defaultValue = "5",
            description = "Idle time after every leader is elected, before the CPU window (default: ${DEFAULT-VALUE}).")
    long settleSeconds;

    @Option(names = "--idle-seconds", defaultValue = "10",
            description = "The idle CPU window (default: ${DEFAULT-VALUE}).")
    long idleSeconds;

    @Option(names = "--timeout-seconds", defaultValue = "120",
            description = "Bound of every wait (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--cold-start-only",
            description = "Stop after every partition has a leader: no idle window, heap or restart (paired runs).")
    boolean coldStartOnly;

    @Override
    public Integer call() throws Exception {
        List<String> results = new ArrayList<>();
        for (int count : partitions) {
            results.add(new ScaleRun(count, quiesceAfter, settleSeconds * 1000, idleSeconds * 1000,
                    timeoutSeconds * 1000, coldStartOnly, System.err).run());
        }
        System.out.println("[" + String.join(",\n ", results) + "]");
        return 0;
    }
}
