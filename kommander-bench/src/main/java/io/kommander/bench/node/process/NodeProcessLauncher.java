package io.kommander.bench.node.process;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeLauncher;
import io.kommander.bench.node.NodeSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts each node in a child JVM ({@link NodeProcessMain}, on this JVM's own java and class path) and returns a
 * {@link RemoteNode} connected to it. The child's standard output and error go to
 * {@code <cluster data folder>/logs/<system>-node-<i>.log}, never to the harness's terminal; a child that fails
 * to start is reported with the end of that log. The child gets this JVM's {@code kommander.bench.*} system
 * properties (the node settings {@code run} takes that way), plus any given to the constructor. Immutable.
 */
public final class NodeProcessLauncher implements NodeLauncher {

    /** The prefix of the system properties handed on to every child. */
    static final String FORWARDED_PREFIX = "kommander.bench.";
    /**
     * A system property of the harness: JVM options (separated by spaces) given to every child, e.g.
     * {@code -XX:ActiveProcessorCount=1} to size each node's pools for one core of a machine its peers share.
     */
    public static final String CHILD_JVM_OPTIONS_PROPERTY = "kommander.bench.childJvmOptions";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);
    private static final int ACCEPT_POLL_MILLIS = 200;
    private static final int LOG_TAIL_LINES = 20;

    private final Map<String, String> properties;

    /** A launcher that hands on this JVM's {@code kommander.bench.*} properties only. */
    public NodeProcessLauncher() {
        this(Map.of());
    }

    /**
     * A launcher that also sets {@code properties} in every child (they win over this JVM's), e.g.
     * {@code kommander.bench.metrics=true} for nodes that must report their counters.
     */
    public NodeProcessLauncher(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    @Override
    public BenchNode launch(NodeSpec spec) throws IOException, InterruptedException {
        Path log = spec.dataDir().resolve("logs").resolve(spec.system().reportName() + "-node-" + spec.index()
                + ".log");
        Files.createDirectories(log.getParent());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(ACCEPT_POLL_MILLIS);
            Process process = new ProcessBuilder(command(spec, listener.getLocalPort()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
            while (true) {
                try {
                    Socket socket = listener.accept();
                    return new RemoteNode(spec, process, socket, log);
                } catch (SocketTimeoutException e) {
                    if (!process.isAlive()) {
                        throw new IOException("node " + spec.index() + "'s JVM exited with code " + process.exitValue()
                                + " before connecting; the end of " + log + ":\n" + tail(log));
                    }
                    if (System.nanoTime() > deadline) {
                        process.destroyForcibly().waitFor();
                        throw new IOException("node " + spec.index() + "'s JVM did not connect in " + CONNECT_TIMEOUT
                                + "; the end of " + log + ":\n" + tail(log));
                    }
                }
            }
        }
    }

    private List<String> command(NodeSpec spec, int harnessPort) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The child's temporary folder is the run folder, which the harness removes: RocksDB extracts its 17 MB
        // native library there, and a killed child would leave it behind in the system's temporary folder.
        List<String> command = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + spec.dataDir()));
        Map<String, String> given = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(FORWARDED_PREFIX))
                .forEach(name -> given.put(name, System.getProperty(name)));
        given.putAll(properties);
        given.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(jvmOptions(System.getProperty(CHILD_JVM_OPTIONS_PROPERTY, "")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeProcessMain.class.getName()));
        command.addAll(NodeProcessMain.arguments(spec, harnessPort));
        return command;
    }

    /** The JVM options in {@code options} (separated by spaces; none if blank). */
    static List<String> jvmOptions(String options) {
        String trimmed = options.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }
}
