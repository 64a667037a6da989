package io.kommander.transport.netty;

import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node rebuilt by snapshot over NettyTransport: InstallSnapshot chunks and their answers on the wire. */
class NettySnapshotTest {

    @Test
    void aNodeDownWhileTheOthersCompactPastItIsRebuiltBySnapshotOverTheWire() {
        PayloadStateMachine[] applications = new PayloadStateMachine[3];
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .ports(FreePorts.loopbackPorts(3))
                .transport(node -> NettyTransport.builder()
                        .ioThreads(1)
                        .threadNamePrefix("ks-node" + node)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS)
                        .build())
                .tuning(b -> b.compactionIntervalMillis(50).snapshotRetentionEntries(10).snapshotChunkBytes(128))
                .snapshots(node -> applications[node] = new PayloadStateMachine());
        try (TestCluster cluster = builder.build().start()) {
            List<String> expected = new ArrayList<>();
            int down = cluster.others(cluster.awaitLeader(1)).get(0);
            cluster.stopNode(down);
            for (int i = 0; i < 100; i++) {
                cluster.write(1, "while-down-" + i);
                expected.add("while-down-" + i);
            }
            cluster.restartNode(down);
            await().atMost(TestCluster.WAIT).until(() -> !applications[down].installed(1).isEmpty());
            cluster.write(1, "after");
            expected.add("after");
            for (PayloadStateMachine application : applications) {
                await().atMost(TestCluster.WAIT).until(() -> application.state(1).size() >= expected.size());
                assertThat(application.state(1)).containsExactlyElementsOf(expected);
            }
        }
    }
}
