package io.kommander.bench.node.process;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.system.DataDirs;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The entry point of a node's own JVM in the one-JVM-per-node mode: starts one node, connects to the harness on
 * its loopback port and serves it until asked to close. The process also closes when the connection or its
 * standard input ends (the harness died), and on a shutdown signal; closing removes the node's data folder.
 * Started by {@link NodeProcessLauncher}; {@link #arguments} builds its command line.
 */
@Command(name = "node-process", description = "One node of a bench cluster, served to the harness over a socket.")
public final class NodeProcessMain implements Callable<Integer> {

    @Option(names = "--system", required = true)
    SystemKind system;

    @Option(names = "--ratis-transport", defaultValue = "netty")
    RatisTransport ratisTransport;

    @Option(names = "--ports", split = ",", required = true)
    List<Integer> ports;

    @Option(names = "--partitions", required = true)
    int partitions;

    @Option(names = "--data-dir", required = true)
    Path dataDir;

    @Option(names = "--index", required = true)
    int index;

    @Option(names = "--harness-port", required = true)
    int harnessPort;

    private boolean closed;

    /** Runs one node; exits with 0 once closed, 1 if it could not start. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeProcessMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /** The command-line arguments that start node {@code spec} and connect it to the harness's {@code port}. */
    static List<String> arguments(NodeSpec spec, int harnessPort) {
        List<String> args = new ArrayList<>(List.of("--system", spec.system().reportName(), "--ratis-transport",
                spec.ratisTransport().cliName(), "--partitions", String.valueOf(spec.partitions()), "--data-dir",
                spec.dataDir().toString(), "--index", String.valueOf(spec.index()), "--harness-port",
                String.valueOf(harnessPort), "--ports"));
        args.add(String.join(",", spec.ports().stream().map(String::valueOf).toList()));
        return args;
    }

    @Override
    public Integer call() throws Exception {
        NodeSpec spec = new NodeSpec(system, ratisTransport, ports, partitions, dataDir, index);
        BenchNode node = spec.system().startNode(spec);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(node, spec), "node-shutdown"));
        watchStandardInput();
        NodeServer server = new NodeServer(node, new Socket(InetAddress.getLoopbackAddress(), harnessPort));
        server.awaitFinished();
        close(node, spec);
        return 0;
    }

    /** The harness holds this process's standard input open; its end means the harness is gone. */
    private static void watchStandardInput() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent: only the end of the stream matters
                }
            } catch (java.io.IOException ignored) {
                // a broken pipe is an end too
            }
            System.exit(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Closes the node and removes its data, once. Synchronized so that the shutdown hook (the harness closed this
     * process's standard input right after its close request) waits for a close already under way instead of
     * letting the JVM halt in the middle of it.
     */
    private synchronized void close(BenchNode node, NodeSpec spec) {
        if (!closed) {
            closed = true;
            node.close();
            DataDirs.delete(spec.nodeDir());
        }
    }
}
