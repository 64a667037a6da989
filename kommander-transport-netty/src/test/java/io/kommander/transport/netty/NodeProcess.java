package io.kommander.transport.netty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The parent's handle on one {@link ClusterNodeMain} JVM: starts it, feeds it writes, records what it reports. */
final class NodeProcess {

    final int index;
    final String endpoint;
    private final Process process;
    private final Writer stdin;
    volatile String leader;
    volatile boolean ready;
    /** The partition's history in this lifetime: restored entries, then delivered ones, as "index id". */
    final List<String> history = new CopyOnWriteArrayList<>();
    final Set<String> acknowledged;

    private NodeProcess(int index, String endpoint, Process process, Set<String> acknowledged) {
        this.index = index;
        this.endpoint = endpoint;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.acknowledged = acknowledged;
    }

    static NodeProcess start(int index, Path data, int[] ports, Set<String> acknowledged) {
        // The child's temporary folder is in the test's folder: RocksDB extracts its 17 MB native library there,
        // and a SIGKILLed child never deletes it.
        Path temp = data.resolveSibling("tmp-" + index);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-Djava.io.tmpdir=" + temp, "-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(),
                String.valueOf(index), data.toString()));
        for (int port : ports) {
            command.add(String.valueOf(port));
        }
        try {
            java.nio.file.Files.createDirectories(temp);
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            NodeProcess node = new NodeProcess(index, "127.0.0.1:" + ports[index], process, acknowledged);
            Thread reader = new Thread(node::readEvents, "node-" + index + "-stdout");
            reader.setDaemon(true);
            reader.start();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readEvents() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                switch (parts[0]) {
                    case "READY" -> ready = true;
                    case "LEADER" -> leader = parts[1];
                    case "ACK" -> acknowledged.add(parts[1]);
                    case "DELIVERED", "RESTORED" -> history.add(parts[1] + " " + parts[2]);
                    default -> {
                    }
                }
            }
        } catch (IOException ignored) {
            // the process died: its stdout closed
        }
    }

    boolean leads() {
        return ready && process.isAlive() && endpoint.equals(leader);
    }

    synchronized void write(String id) {
        try {
            stdin.write("write " + id + "\n");
            stdin.flush();
        } catch (IOException e) {
            // the process is gone; the write is simply not acknowledged
        }
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    static Set<String> newAckSet() {
        return ConcurrentHashMap.newKeySet();
    }
}
