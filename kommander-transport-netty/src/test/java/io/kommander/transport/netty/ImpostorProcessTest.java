package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.kommander.transport.netty.NodeProcess.assertSameHistoryWithEveryAcknowledgedWrite;
import static io.kommander.transport.netty.NodeProcess.awaitLeader;
import static io.kommander.transport.netty.NodeProcess.writeUntilAcknowledged;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's proof: an impostor process ({@link ImpostorMain}) attacks a 3-JVM cluster (shared secret,
 * RocksDbWAL) for 30 s while a client keeps writing through the leader. Every attack is refused; the partition's
 * term and leader do not change on any node; every acknowledged write is delivered everywhere, in one order.
 */
class ImpostorProcessTest {

    private static final int ATTACK_SECONDS = 30;
    /** Elections only if a leader really fails: a loaded machine must not move the leader by itself. */
    private static final String STEADY_ELECTIONS = "-D" + ClusterNodeMain.ELECTION_TIMEOUT_PROPERTY + "=3000";

    @Test
    void anImpostorProcessMovesNoTermNoLeaderAndLosesNoWrite(@TempDir Path dir) throws Exception {
        int[] ports = FreePorts.loopbackPorts(3);
        Set<String> acknowledged = NodeProcess.newAckSet();
        NodeProcess[] nodes = new NodeProcess[3];
        Process impostor = null;
        try {
            NodeProcess.startAll(nodes, dir, ports, acknowledged, STEADY_ELECTIONS);
            int sent = writeUntilAcknowledged(nodes, acknowledged, 0, 20);
            NodeProcess leader = awaitLeader(nodes);
            long[] terms = new long[3];
            int[] leaderChanges = new int[3];
            for (int i = 0; i < 3; i++) {
                terms[i] = nodes[i].awaitTerm();
                leaderChanges[i] = nodes[i].leaderChanges.get();
            }

            impostor = startImpostor(ports);
            while (impostor.isAlive()) {
                sent = writeUntilAcknowledged(nodes, acknowledged, sent, 10);
            }
            String report = new BufferedReader(new InputStreamReader(impostor.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            sent = writeUntilAcknowledged(nodes, acknowledged, sent, 10);

            String[] counts = report.split(" ");
            assertThat(counts[0]).isEqualTo("ATTACKS");
            assertThat(Long.parseLong(counts[1])).isPositive();
            assertThat(counts[3]).as("attacks refused").isEqualTo(counts[1]);
            for (int i = 0; i < 3; i++) {
                assertThat(nodes[i].awaitTerm()).as("term of node %d", i).isEqualTo(terms[i]);
                assertThat(nodes[i].leaderChanges.get()).as("leader changes seen by node %d", i)
                        .isEqualTo(leaderChanges[i]);
                assertThat(nodes[i].leader).isEqualTo(leader.endpoint);
            }
            assertSameHistoryWithEveryAcknowledgedWrite(nodes, acknowledged);
            assertThat(acknowledged.size()).isLessThanOrEqualTo(sent);
        } finally {
            if (impostor != null) {
                impostor.destroyForcibly();
            }
            NodeProcess.killAll(nodes);
        }
    }

    private static Process startImpostor(int[] ports) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ImpostorMain.class.getName(),
                String.valueOf(ATTACK_SECONDS)));
        for (int port : ports) {
            command.add(String.valueOf(port));
        }
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
