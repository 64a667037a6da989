package io.kommander.bench;

import io.kommander.bench.load.Verification;
import io.kommander.bench.load.Verifier;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-JVM-per-node mode, for every system: three child JVMs take writes, are verified, and are gone with their
 * data after close.
 */
class ProcessPerNodeTest {

    private static final int PARTITIONS = 4;
    private static final int WRITES_PER_PARTITION = 75;

    @ParameterizedTest
    @EnumSource(SystemKind.class)
    void threeChildJvmsDeliverEveryAcknowledgedWriteAndLeaveNothingBehind(SystemKind kind, @TempDir Path dir)
            throws Exception {
        List<ProcessHandle> children;
        try (BenchSystem system = kind.create(RatisTransport.NETTY, JvmMode.PER_NODE)) {
            system.start(new ClusterShape(3, PARTITIONS, dir));
            children = ProcessHandle.current().children().toList(); // this test starts no other process
            assertThat(children).hasSize(3);

            List<BitSet> acknowledged = SystemSmokeTest.writeToEveryPartition(system, PARTITIONS,
                    WRITES_PER_PARTITION);
            Verification verification = new Verifier(Duration.ofSeconds(30)).verify(acknowledged, system::ledgers);

            long total = PARTITIONS * WRITES_PER_PARTITION;
            assertThat(verification.verified()).as(verification.toString()).isTrue();
            SystemSmokeTest.assertDeliveredOncePerAttempt(verification, total, system.retriedAttempts());
            assertThat(system.configuration()).startsWith(kind.reportName() + ":").contains("jvms: one JVM per node");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        try (Stream<Path> nodeDirs = Files.list(dir)) {
            assertThat(nodeDirs.map(path -> path.getFileName().toString())).doesNotContain("node-0", "node-1",
                    "node-2");
        }
    }
}
