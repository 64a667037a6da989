package io.kommander.transport.netty;

import io.kommander.testing.TestCluster;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.PeerIdentityHandler;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.TransportBinding;
import io.kommander.transport.TransportMetricsSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** NettyTransport reports frames, bytes, drops and reconnects to the node's meters (docs/metrics.md). */
class NettyMetricsTest {

    private final MeterRegistry[] registries = {new SimpleMeterRegistry(), new SimpleMeterRegistry(),
            new SimpleMeterRegistry()};

    @Test
    void framesAndBytesMoveBothWaysOnEveryNodeAndAPeerComingBackIsAReconnect() {
        TestCluster.Builder builder = TestCluster.builder(3, 2)
                .ports(FreePorts.loopbackPorts(3))
                .transport(node -> NettyTransport.builder()
                        .ioThreads(1)
                        .threadNamePrefix("km-node" + node)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS)
                        .build())
                .managers((manager, node) -> manager.meterRegistry(registries[node]));
        try (TestCluster cluster = builder.build().start()) {
            for (int p = 1; p <= 2; p++) {
                for (int i = 0; i < 10; i++) {
                    cluster.write(p, "p" + p + "-" + i);
                }
            }
            for (int node = 0; node < 3; node++) {
                for (String direction : List.of("sent", "received")) {
                    assertThat(count(registries[node], "kommander.transport.frames", direction))
                            .as("node %d frames %s", node, direction).isPositive();
                    assertThat(count(registries[node], "kommander.transport.bytes", direction))
                            .as("node %d bytes %s", node, direction).isPositive();
                }
            }
            int leader = cluster.awaitLeader(1);
            int restarted = cluster.others(leader).get(0);
            cluster.stopNode(restarted);
            cluster.restartNode(restarted);
            cluster.write(1, "after-restart");
            await().atMost(TestCluster.WAIT).untilAsserted(() -> assertThat(
                    registries[leader].get("kommander.transport.reconnects").counter().count()).isPositive());
        }
    }

    @Test
    void aBatchDroppedByAClosedTransportReachesTheSink() {
        AtomicInteger drops = new AtomicInteger();
        TransportMetricsSink sink = new TransportMetricsSink() {
            @Override
            public void dropped(int batches) {
                drops.addAndGet(batches);
            }
        };
        String endpoint = FreePorts.loopbackEndpoint();
        NettyTransport transport = NettyTransport.builder().ioThreads(1).threadNamePrefix("km-closed")
                .sharedSecret(TestNode.SECRETS).build();
        transport.start(new TransportBinding(() -> TestNode.identity(1, endpoint), batch -> { }, refusal -> { },
                PeerIdentityHandler.NONE, sink));
        transport.close();
        transport.send("127.0.0.1:1", new MessageBatch(endpoint, List.of(new TimeoutNow(0, 1, 0))));
        assertThat(drops).hasValue(1);
        assertThat(transport.metrics().dropped(DropReason.CLOSED)).isEqualTo(1);
    }

    private static double count(MeterRegistry registry, String name, String direction) {
        Counter counter = registry.get(name).tag("direction", direction).counter();
        return counter.count();
    }
}
