package io.kommander.bench.capacity;

import io.kommander.bench.system.kommander.KommanderNode;
import io.kommander.bench.system.kommander.LeaderChanges;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capacity run end to end, small and in this JVM (the nodes share one registry, tagged by node; the child-JVM
 * path differs only by the node protocol, which {@code NodeCodecTest} covers): 3 then 4 nodes, 4 partitions, R = 3.
 */
class CapacityRunTest {

    private static final int PARTITIONS = 4;
    private static final int PAYLOAD = 256;

    @Test
    void threeThenFourNodesReportEachNodesWorkPerWriteOverAVerifiedWindow(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CapacityPlan plan = new CapacityPlan(PARTITIONS, PAYLOAD, 200, 2, 32, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(60), dir);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        CapacityRun run = new CapacityRun(plan, spec -> new KommanderNode(spec, new LeaderChanges(), registry),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        CapacityComparison comparison = run.compare(3, 4, 0.05);

        for (ClusterRun cluster : java.util.List.of(comparison.small(), comparison.large())) {
            assertThat(cluster.verified()).as("%d nodes verified", cluster.nodes()).isTrue();
            assertThat(cluster.acknowledged()).isPositive();
            assertThat(cluster.windows()).hasSize(cluster.nodes()).allSatisfy(node -> {
                assertThat(node.cpuNanos()).isPositive();
                assertThat(node.syncedBytes()).isPositive();
                assertThat(node.messagesSent()).isPositive();
            });
            // Every partition led once; each hosted by R = 3 nodes (the map's placement on 4 nodes).
            assertThat(cluster.windows().stream().mapToInt(NodeWindow::partitionsLed).sum()).isEqualTo(PARTITIONS);
            assertThat(cluster.windows().stream().mapToInt(w -> w.partitionsHosted() - w.staleReplicas()).sum())
                    .isEqualTo(PARTITIONS * CapacityRun.REPLICATION_FACTOR);
            // Each write's payload is made durable on its replicas: over the nodes, well over two payloads' worth.
            assertThat(cluster.meanShare(Measure.SYNCED_BYTES) * cluster.nodes()).isGreaterThan(2.0 * PAYLOAD);
            assertThat(cluster.windows().stream().filter(NodeWindow::leadsSystem).count()).isEqualTo(1);
        }
        assertThat(comparison.target()).isEqualTo(0.75);
        assertThat(comparison.ratios()).hasSize(Measure.values().length);
        assertThat(comparison.text()).contains("mean share per node at 4 nodes over 3 nodes");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("[capacity] 4 nodes: placement settled in");
    }
}
