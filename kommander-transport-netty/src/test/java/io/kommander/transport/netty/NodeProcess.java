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
import java.util.concurrent.atomic.AtomicInteger;

/** The parent's handle on one {@link ClusterNodeMain} JVM: starts it, feeds it writes, records what it reports. */
final class NodeProcess {

    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

    final int index;
    final String endpoint;
    private final Process process;
    private final Writer stdin;
    volatile String leader;
    volatile boolean ready;
    /** LEADER events seen: each is a change of leader as this node saw it (the first included). */
    final AtomicInteger leaderChanges = new AtomicInteger();
    /** The term the last {@code status} command reported, or -1. */
    volatile long term = -1;
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

    static NodeProcess start(int index, Path data, int[] ports, Set<String> acknowledged, String... jvmOptions) {
        // The child's temporary folder is in the test's folder: RocksDB extracts its 17 MB native library there,
        // and a SIGKILLed child never deletes it.
        Path temp = data.resolveSibling("tmp-" + index);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-Djava.io.tmpdir=" + temp));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(),
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

    /** Starts each node {@code i} of {@code nodes} in {@code dir/node-i}; {@link #killAll} kills them. */
    static void startAll(NodeProcess[] nodes, Path dir, int[] ports, Set<String> acknowledged, String... jvmOptions) {
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = start(i, dir.resolve("node-" + i), ports, acknowledged, jvmOptions);
        }
    }

    /** SIGKILLs every node started (a null slot is a node never started). */
    static void killAll(NodeProcess[] nodes) {
        for (NodeProcess node : nodes) {
            if (node != null) {
                node.kill();
            }
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
                    case "LEADER" -> {
                        leader = parts[1];
                        leaderChanges.incrementAndGet();
                    }
                    case "TERM" -> term = Long.parseLong(parts[1]);
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
        command("write " + id);
    }

    /** Asks for the partition's term and waits until it is reported. */
    long awaitTerm() {
        term = -1;
        command("status");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> term >= 0);
        return term;
    }

    private synchronized void command(String line) {
        try {
            stdin.write(line + "\n");
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

    /** The ids of the writes in {@code node}'s history. */
    static List<String> dataIds(NodeProcess node) {
        return node.history.stream().map(h -> h.substring(h.indexOf(' ') + 1)).filter(id -> id.startsWith("w"))
                .toList();
    }

    /** Sends writes to the current leader until {@code count} more are acknowledged; returns the ids sent so far. */
    static int writeUntilAcknowledged(NodeProcess[] nodes, Set<String> acknowledged, int sent, int count) {
        int target = acknowledged.size() + count;
        int[] next = {sent};
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            NodeProcess leader = leaderOrNull(nodes);
            if (leader != null) {
                for (int i = 0; i < 10; i++) {
                    leader.write("w" + next[0]++);
                }
            }
            return acknowledged.size() >= target;
        });
        return next[0];
    }

    static NodeProcess awaitLeader(NodeProcess[] nodes) {
        NodeProcess[] found = new NodeProcess[1];
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> (found[0] = leaderOrNull(nodes)) != null);
        return found[0];
    }

    static NodeProcess leaderOrNull(NodeProcess[] nodes) {
        for (NodeProcess node : nodes) {
            if (node.leads()) {
                return node;
            }
        }
        return null;
    }

    /** Waits until every node holds every acknowledged write, then checks they hold the same sequence. */
    static void assertSameHistoryWithEveryAcknowledgedWrite(NodeProcess[] nodes, Set<String> acknowledged) {
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            for (NodeProcess node : nodes) {
                if (dataIds(node).size() < acknowledged.size()) {
                    return false;
                }
            }
            return true;
        });
        List<String> reference = new ArrayList<>(nodes[0].history);
        for (NodeProcess node : nodes) {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> node.history.size() >= reference.size());
            org.assertj.core.api.Assertions.assertThat(node.history.subList(0, reference.size()))
                    .containsExactlyElementsOf(reference);
            org.assertj.core.api.Assertions.assertThat(dataIds(node)).containsAll(acknowledged)
                    .doesNotHaveDuplicates();
        }
    }
}
