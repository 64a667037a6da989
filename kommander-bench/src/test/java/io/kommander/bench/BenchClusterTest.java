package io.kommander.bench;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.node.NodeLauncher;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.BenchCluster;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The routing every system shares, against scripted nodes. */
class BenchClusterTest {

    /** A node that leads when told and answers writes as scripted. */
    private static final class ScriptedNode implements BenchNode {
        final AtomicInteger writes = new AtomicInteger();
        volatile boolean leader;
        volatile Function<Integer, WriteOutcome> answer = attempt -> WriteOutcome.ACKNOWLEDGED;
        volatile boolean gone;

        @Override
        public CompletableFuture<WriteOutcome> write(int partition, byte[] payload) {
            writes.incrementAndGet();
            return gone ? CompletableFuture.failedFuture(new IllegalStateException("process gone"))
                    : CompletableFuture.completedFuture(answer.apply(writes.get()));
        }

        @Override
        public boolean isLeader(int partition) {
            if (gone) {
                throw new IllegalStateException("process gone");
            }
            return leader;
        }

        @Override
        public NodeLedger ledger() {
            return new NodeLedger(1);
        }

        @Override
        public String configuration() {
            return "scripted:";
        }

        @Override
        public void close() {
        }
    }

    private final List<ScriptedNode> nodes = List.of(new ScriptedNode(), new ScriptedNode(), new ScriptedNode());

    private BenchCluster started(Path dir) throws Exception {
        List<NodeSpec> launched = new ArrayList<>();
        BenchCluster cluster = new BenchCluster(SystemKind.KOMMANDER, RatisTransport.NETTY, JvmMode.ONE,
                recording(launched));
        cluster.start(new ClusterShape(3, 1, dir));
        assertThat(launched).extracting(NodeSpec::index).containsExactly(0, 1, 2);
        return cluster;
    }

    private static void writeOnce(BenchCluster cluster) throws Exception {
        cluster.write(0, new byte[16]).get(5, TimeUnit.SECONDS);
    }

    private List<Integer> writesPerNode() {
        return nodes.stream().map(node -> node.writes.get()).toList();
    }

    @Test
    void aClusterWhosePreallocatedFilesWouldFillTheDiskIsRefusedBeforeAnyNodeStarts(@TempDir Path dir) {
        startRefused(SystemKind.SOFAJRAFT, dir)
                .hasMessageContaining("preallocates about 145 MB per partition and node")
                .hasMessageContaining("GB is free");
    }

    @Test
    void aClusterWhoseDirectBuffersWouldExceedTheJvmLimitIsRefusedBeforeAnyNodeStarts(@TempDir Path dir) {
        startRefused(SystemKind.RATIS, dir)
                .hasMessageContaining("8 MiB direct buffer per partition and node")
                .hasMessageContaining("MaxDirectMemorySize");
    }

    /** Starts 10 million partitions x 3 nodes (more than any disk or JVM holds) and expects a refusal. */
    private AbstractThrowableAssert<?, ? extends Throwable> startRefused(SystemKind kind, Path dir) {
        List<NodeSpec> launched = new ArrayList<>();
        BenchCluster cluster = new BenchCluster(kind, RatisTransport.NETTY, JvmMode.ONE, recording(launched));

        Throwable refusal = catchThrowable(() -> cluster.start(new ClusterShape(3, 10_000_000, dir)));

        cluster.close();
        assertThat(launched).isEmpty();
        return assertThat(refusal).isInstanceOf(IllegalStateException.class);
    }

    /** A launcher that records each node it starts and hands out the scripted nodes. */
    private NodeLauncher recording(List<NodeSpec> launched) {
        return spec -> {
            launched.add(spec);
            return nodes.get(spec.index());
        };
    }

    @Test
    void aWriteGoesToTheLeaderFoundAtStart(@TempDir Path dir) throws Exception {
        nodes.get(1).leader = true;
        try (BenchCluster cluster = started(dir)) {
            writeOnce(cluster);
        }

        assertThat(writesPerNode()).containsExactly(0, 1, 0);
    }

    @Test
    void aNotLeaderAnswerMovesTheWriteToTheNodeItNames(@TempDir Path dir) throws Exception {
        nodes.get(0).leader = true;
        try (BenchCluster cluster = started(dir)) {
            nodes.get(0).answer = attempt -> new WriteOutcome.NotLeader(2, "moved");

            writeOnce(cluster);
            writeOnce(cluster);
        }

        assertThat(writesPerNode()).containsExactly(1, 0, 2);
    }

    @Test
    void aNotLeaderAnswerWithoutAHintAsksTheNodesWhoLeads(@TempDir Path dir) throws Exception {
        nodes.get(0).leader = true;
        try (BenchCluster cluster = started(dir)) {
            nodes.get(0).leader = false;
            nodes.get(1).leader = true;
            nodes.get(0).answer = attempt -> new WriteOutcome.NotLeader(-1, "election");

            writeOnce(cluster);
        }

        assertThat(writesPerNode()).containsExactly(1, 1, 0);
    }

    @Test
    void aWriteItsNodeFailsWithoutAnsweringIsRetriedOnTheNodeThatLeads(@TempDir Path dir) throws Exception {
        nodes.get(0).leader = true;
        try (BenchCluster cluster = started(dir)) {
            nodes.get(0).gone = true;
            nodes.get(2).leader = true;

            writeOnce(cluster);
        }

        assertThat(writesPerNode()).containsExactly(1, 0, 1);
    }

    @Test
    void aFailedAnswerFailsTheWriteWithoutRetrying(@TempDir Path dir) throws Exception {
        nodes.get(0).leader = true;
        nodes.get(0).answer = attempt -> new WriteOutcome.Failed("disk full");
        try (BenchCluster cluster = started(dir)) {
            CompletableFuture<Void> write = cluster.write(0, new byte[16]);

            assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("disk full");
        }

        assertThat(nodes.get(0).writes.get()).isEqualTo(1);
    }

    @Test
    void theConfigurationSaysWhereTheNodesRun(@TempDir Path dir) throws Exception {
        nodes.get(0).leader = true;
        try (BenchCluster cluster = started(dir)) {
            assertThat(cluster.configuration()).isEqualTo("scripted:\n  jvms: " + JvmMode.ONE.description());
        }
    }
}
