package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static io.kommander.transport.netty.NodeProcess.assertSameHistoryWithEveryAcknowledgedWrite;
import static io.kommander.transport.netty.NodeProcess.awaitLeader;
import static io.kommander.transport.netty.NodeProcess.writeUntilAcknowledged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three JVMs on loopback (NettyTransport, RocksDbWAL). A client writes continuously through the leader; five
 * times, the leader's JVM is killed with SIGKILL, the others elect a new leader and go on, and the killed node
 * restarts and catches up. In the end every node holds the same sequence, with every acknowledged write.
 */
class MultiProcessClusterTest {

    private static final Duration WAIT = NodeProcess.WAIT;

    @Test
    void killingTheLeaderFiveTimesLosesNoAcknowledgedWrite(@TempDir Path dir) {
        int[] ports = FreePorts.loopbackPorts(3);
        Set<String> acknowledged = NodeProcess.newAckSet();
        NodeProcess[] nodes = new NodeProcess[3];
        try {
            NodeProcess.startAll(nodes, dir, ports, acknowledged);
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
            assertSameHistoryWithEveryAcknowledgedWrite(nodes, acknowledged);
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(5 * 80).isLessThanOrEqualTo(total);
        } finally {
            NodeProcess.killAll(nodes);
        }
    }
}
