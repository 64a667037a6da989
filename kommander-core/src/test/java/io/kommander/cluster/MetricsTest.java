package io.kommander.cluster;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's Micrometer meters (docs/metrics.md) move on a real-threads cluster under load: each node is built with
 * its own {@link SimpleMeterRegistry}. The transport's meters are checked with Netty, in its module.
 */
class MetricsTest {

    private static final int PARTITIONS = 4;
    private static final int WRITES_PER_PARTITION = 50;

    private final MeterRegistry[] registries = {new SimpleMeterRegistry(), new SimpleMeterRegistry(),
            new SimpleMeterRegistry()};

    private TestCluster.Builder cluster(int partitions) {
        return TestCluster.builder(3, partitions).managers((builder, node) -> builder.meterRegistry(registries[node]));
    }

    @Test
    void proposalsCommitsLatencyWalBatchesElectionsAndLeadersMoveUnderLoad() throws Exception {
        try (TestCluster cluster = cluster(PARTITIONS).build().start()) {
            // Led by their preferred leaders, the partitions keep their leaders through the writes (a hand-over in
            // between would refuse some at the node the test counts NodeIsNotLeader on).
            int[] leaders = new int[PARTITIONS + 1];
            for (int p = 1; p <= PARTITIONS; p++) {
                leaders[p] = cluster.awaitPreferredLeader(p);
            }
            List<CompletableFuture<RaftReplicationResult>> writes = new ArrayList<>();
            for (int i = 0; i < WRITES_PER_PARTITION; i++) {
                for (int p = 1; p <= PARTITIONS; p++) {
                    writes.add(cluster.node(leaders[p]).replicateLogs(p, "load",
                            ("w-" + p + "-" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            long ok = 0;
            for (CompletableFuture<RaftReplicationResult> write : writes) {
                ok += write.get().success() ? 1 : 0;
            }
            long succeeded = ok;
            assertThat(succeeded).as("writes that succeeded").isPositive();
            int follower = cluster.others(leaders[1]).get(0);
            assertThat(cluster.node(follower).replicateLogs(1, "load", new byte[1]).get().status())
                    .isEqualTo(RaftOperationStatus.NodeIsNotLeader);

            // Write calls answered, by status, and the latency of the successful ones: at least the test's own.
            assertThat(sum(r -> counter(r, "kommander.proposals", "status", "Success")))
                    .isGreaterThanOrEqualTo(succeeded);
            assertThat(sum(r -> timer(r, "kommander.commit.latency").count())).isGreaterThanOrEqualTo(succeeded);
            assertThat(sum(r -> timer(r, "kommander.commit.latency").totalTime(TimeUnit.NANOSECONDS))).isPositive();
            assertThat(counter(registries[follower], "kommander.proposals", "status", "NodeIsNotLeader"))
                    .isEqualTo(1);
            // Every replica hands every committed entry to the application.
            for (int node = 0; node < 3; node++) {
                int n = node;
                await().atMost(TestCluster.WAIT).untilAsserted(() ->
                        assertThat(counter(registries[n], "kommander.entries.committed")).as("node %d", n)
                                .isGreaterThanOrEqualTo(succeeded));
                assertThat(summary(registries[n], "kommander.wal.batch.entries").count()).isPositive();
                assertThat(summary(registries[n], "kommander.wal.batch.entries").totalAmount())
                        .isGreaterThanOrEqualTo(succeeded);
                assertThat(summary(registries[n], "kommander.wal.batch.partitions").max()).isGreaterThanOrEqualTo(1);
                assertThat(summary(registries[n], "kommander.wal.batch.size").totalAmount()).isPositive();
                assertThat(timer(registries[n], "kommander.wal.sync").count()).isPositive();
                assertThat(counter(registries[n], "kommander.leader.changes")).isPositive();
                // Every replica drains for each write it takes; every node sends (heartbeats, appends, answers).
                assertThat(counter(registries[n], "kommander.partition.drains")).isPositive();
                assertThat(counter(registries[n], "kommander.messages", "direction", "sent")).isPositive();
                assertThat(gauge(registries[n], "kommander.partitions")).isEqualTo(PARTITIONS + 1);
                assertThat(gauge(registries[n], "kommander.executor.queue.depth")).isNotNegative();
                assertThat(gauge(registries[n], "kommander.wal.queue.depth")).isNotNegative();
                assertThat(gauge(registries[n], "kommander.partitions.quiesced")).isBetween(0.0, PARTITIONS + 1.0);
            }
            // Every partition, partition 0 included, had an election won, and each is led by one node.
            assertThat(sum(r -> counter(r, "kommander.elections.started"))).isGreaterThanOrEqualTo(PARTITIONS + 1);
            assertThat(sum(r -> counter(r, "kommander.elections.won"))).isGreaterThanOrEqualTo(PARTITIONS + 1);
            await().atMost(TestCluster.WAIT).untilAsserted(() ->
                    assertThat(sum(r -> gauge(r, "kommander.partitions.led"))).isEqualTo(PARTITIONS + 1));
        }
    }

    @Test
    void theQuiescedGaugeCountsEveryPartitionOnceTheClusterIsIdle() {
        try (TestCluster cluster = cluster(1).build().start()) {
            cluster.write(1, "then-idle");
            await().atMost(TestCluster.WAIT).untilAsserted(() -> {
                for (MeterRegistry registry : registries) {
                    assertThat(gauge(registry, "kommander.partitions.quiesced")).isEqualTo(2.0); // 0 and 1
                }
            });
        }
    }

    @Test
    void followerLagGrowsWhileAFollowerIsCutOffAndVanishesOnceItCatchesUp() {
        try (TestCluster cluster = cluster(1).build().start()) {
            int leader = cluster.awaitLeader(1);
            int behind = cluster.others(leader).get(0);
            cluster.network().isolate(cluster.endpoint(behind));
            for (int i = 0; i < 20; i++) {
                cluster.write(1, "lag-" + i);
            }
            await().atMost(TestCluster.WAIT).untilAsserted(() ->
                    assertThat(gauge(registries[leader], "kommander.follower.lag")).isGreaterThanOrEqualTo(20));
            cluster.network().heal();
            await().atMost(TestCluster.WAIT).untilAsserted(() ->
                    assertThat(gauge(registries[leader], "kommander.follower.lag")).isZero());
        }
    }

    @Test
    void aSnapshotInstallIsCountedSentOnTheLeaderAndReceivedOnTheFollower() {
        IWAL[] wals = new IWAL[3];
        TestCluster.WalFactory inMemory = TestCluster.WalFactory.inMemory();
        try (TestCluster cluster = cluster(1)
                .wal((node, previous) -> wals[node] = inMemory.open(node, previous))
                .snapshots(node -> new PayloadStateMachine())
                .tuning(b -> b.snapshotRetentionEntries(10).compactionIntervalMillis(100).snapshotChunkBytes(200)
                        .logCacheEntries(16))
                .build().start()) {
            int leader = cluster.awaitLeader(1);
            int down = cluster.others(leader).get(0);
            cluster.write(1, "before");
            cluster.stopNode(down);
            for (int i = 0; i < 60; i++) {
                cluster.write(1, "while-down-" + i);
            }
            await().atMost(TestCluster.WAIT).until(() -> cluster.others(down).stream()
                    .allMatch(n -> wals[n].compactedUpTo(1).index() > 30));
            cluster.restartNode(down);
            await().atMost(TestCluster.WAIT).untilAsserted(() -> {
                assertThat(counter(registries[down], "kommander.snapshot.installs", "direction", "received"))
                        .isPositive();
                assertThat(sum(r -> counter(r, "kommander.snapshot.installs", "direction", "sent"))).isPositive();
            });
        }
    }

    @Test
    void aClosedNodeLeavesNoMeterInTheRegistry() {
        TestCluster cluster = cluster(1).build().start();
        cluster.awaitLeader(1);
        assertThat(registries[0].getMeters()).isNotEmpty();
        cluster.close();
        for (MeterRegistry registry : registries) {
            assertThat(registry.getMeters()).isEmpty();
        }
    }

    private double sum(ToDoubleFunction<MeterRegistry> reading) {
        double total = 0;
        for (MeterRegistry registry : registries) {
            total += reading.applyAsDouble(registry);
        }
        return total;
    }

    /** A counter's count, 0 if it was never registered (a status never answered). */
    private static double counter(MeterRegistry registry, String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Timer timer(MeterRegistry registry, String name) {
        return registry.get(name).timer();
    }

    private static DistributionSummary summary(MeterRegistry registry, String name) {
        return registry.get(name).summary();
    }

    private static double gauge(MeterRegistry registry, String name) {
        Gauge gauge = registry.get(name).gauge();
        return gauge.value();
    }
}
