package io.kommander.transport.netty;

import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The core's 3-node cluster scenarios again, over NettyTransport on loopback. */
class NettyClusterTest {

    private static TestCluster cluster(int partitions) {
        return TestCluster.builder(3, partitions)
                .ports(FreePorts.loopbackPorts(3))
                .transport(node -> NettyTransport.builder()
                        .ioThreads(1)
                        .threadNamePrefix("kc-node" + node)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS)
                        .build())
                .build();
    }

    private static void awaitHistory(TestCluster cluster, int node, int partition, List<String> expected) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, partition).size() >= expected.size());
        assertThat(cluster.history(node, partition)).extracting(TestCluster::text).containsExactlyElementsOf(expected);
    }

    @Test
    void replicatesEveryPartitionOverNetty() {
        try (TestCluster cluster = cluster(4).start()) {
            for (int p = 1; p <= 4; p++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    String payload = "p" + p + "-" + i;
                    cluster.write(p, payload);
                    expected.add(payload);
                }
                for (int n = 0; n < 3; n++) {
                    awaitHistory(cluster, n, p, expected);
                }
            }
        }
    }

    /**
     * With a 64 KiB frame the largest entry the node may allow is 64 KiB - 154 bytes; entries of exactly that size,
     * written in a burst, travel one per AppendLogs (maxBytesPerAppend is capped to fit) and no batch is ever too
     * large for a frame.
     */
    @Test
    void entriesOfTheLargestSizeAFrameAllowsReplicateWithoutAnOversizeBatch() {
        int frame = 64 * 1024;
        int largest = frame - 154;
        List<NettyTransport> transports = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .ports(FreePorts.loopbackPorts(3))
                .transport(node -> {
                    NettyTransport transport = NettyTransport.builder().ioThreads(1).maxFrameLength(frame)
                            .threadNamePrefix("kf-node" + node)
                            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                            .sharedSecret(TestNode.SECRETS).build();
                    transports.add(transport);
                    return transport;
                });
        try (TestCluster cluster = builder.tuning(b -> b.maxEntryBytes(largest)).build().start()) {
            int leader = cluster.awaitLeader(1);
            List<java.util.concurrent.CompletableFuture<io.kommander.RaftReplicationResult>> writes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[largest - "big".length()];
                data[0] = (byte) i;
                writes.add(cluster.node(leader).replicateLogs(1, "big", data));
            }
            for (var write : writes) {
                assertThat(write.join().status()).isEqualTo(io.kommander.RaftOperationStatus.Success);
            }
            for (int n = 0; n < 3; n++) {
                int node = n;
                await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, 1).size() >= 20);
            }
            for (NettyTransport transport : transports) {
                assertThat(transport.metrics().dropped(DropReason.OVERSIZED)).isZero();
            }
        }
        assertThatThrownBy(() -> TestCluster.builder(3, 1).ports(FreePorts.loopbackPorts(3))
                .transport(node -> NettyTransport.builder().maxFrameLength(frame).sharedSecret(TestNode.SECRETS).build())
                .tuning(b -> b.maxEntryBytes(largest + 1)).build().startNode(0))
                .isInstanceOf(io.kommander.RaftConfigurationException.class)
                .hasMessageContaining("maxEntryBytes: must be <= " + largest);
    }

    @Test
    void leaderFailureAndRestartOverNetty() {
        try (TestCluster cluster = cluster(1).start()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cluster.write(1, "a-" + i);
                expected.add("a-" + i);
            }
            int oldLeader = cluster.awaitLeader(1);
            cluster.stopNode(oldLeader);
            for (int i = 0; i < 20; i++) {
                cluster.write(1, "b-" + i);
                expected.add("b-" + i);
            }
            cluster.restartNode(oldLeader);
            for (int n = 0; n < 3; n++) {
                awaitHistory(cluster, n, 1, expected);
            }
        }
    }
}
