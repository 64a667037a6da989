package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three JVMs on loopback (NettyTransport, RocksDbWAL). A client writes continuously through the leader; five
 * times, the leader's JVM is killed with SIGKILL, the others elect a new leader and go on, and the killed node
 * restarts and catches up. In the end every node holds the same sequence, with every acknowledged write.
 */
class MultiProcessClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void killingTheLeaderFiveTimesLosesNoAcknowledgedWrite(@TempDir Path dir) {
        int[] ports = FreePorts.loopbackPorts(3);
        Set<String> acknowledged = NodeProcess.newAckSet();
        NodeProcess[] nodes = new NodeProcess[3];
        try {
            for (int i = 0; i < 3; i++) {
                nodes[i] = NodeProcess.start(i, dir.resolve("node-" + i), ports, acknowledged);
            }
            int sent = 0;
            for (int round = 0; round < 5; round++) {
                sent = writeUntilAcknowledged(nodes, acknowledged, sent, 40);
                NodeProcess leader = awaitLeader(nodes);
                leader.kill();
                sent = writeUntilAcknowledged(nodes, acknowledged, sent, 40);
                nodes[leader.index] = NodeProcess.start(leader.index, dir.resolve("node-" + leader.index), ports,
                        acknowledged);
                NodeProcess restarted = nodes[leader.index];
                await().atMost(WAIT).until(() -> restarted.ready);
            }
            sent = writeUntilAcknowledged(nodes, acknowledged, sent, 20);
            int total = sent;
            await().atMost(WAIT).until(() -> {
                for (NodeProcess node : nodes) {
                    if (dataIds(node).size() < acknowledged.size()) {
                        return false;
                    }
                }
                return true;
            });
            List<String> reference = new ArrayList<>(nodes[0].history);
            for (NodeProcess node : nodes) {
                await().atMost(WAIT).until(() -> node.history.size() >= reference.size());
                assertThat(node.history.subList(0, reference.size())).containsExactlyElementsOf(reference);
                assertThat(dataIds(node)).containsAll(acknowledged).doesNotHaveDuplicates();
            }
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(5 * 80).isLessThanOrEqualTo(total);
        } finally {
            for (NodeProcess node : nodes) {
                if (node != null) {
                    node.kill();
                }
            }
        }
    }

    private static List<String> dataIds(NodeProcess node) {
        return node.history.stream().map(h -> h.substring(h.indexOf(' ') + 1)).filter(id -> id.startsWith("w"))
                .toList();
    }

    /** Sends writes to the current leader until {@code count} more are acknowledged; returns the ids sent so far. */
    private static int writeUntilAcknowledged(NodeProcess[] nodes, Set<String> acknowledged, int sent, int count) {
        int target = acknowledged.size() + count;
        int[] next = {sent};
        await().atMost(WAIT).until(() -> {
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

    private static NodeProcess awaitLeader(NodeProcess[] nodes) {
        NodeProcess[] found = new NodeProcess[1];
        await().atMost(WAIT).until(() -> (found[0] = leaderOrNull(nodes)) != null);
        return found[0];
    }

    private static NodeProcess leaderOrNull(NodeProcess[] nodes) {
        for (NodeProcess node : nodes) {
            if (node.leads()) {
                return node;
            }
        }
        return null;
    }
}
