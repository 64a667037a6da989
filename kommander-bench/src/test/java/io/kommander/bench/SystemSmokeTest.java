package io.kommander.bench;

import io.kommander.bench.load.Verification;
import io.kommander.bench.load.Verifier;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.Payloads;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each adapter starts a tiny cluster at one and at several partitions, takes writes on every partition and
 * delivers them on every node, so compare cannot rot (a leader lookup that only works for one group fails here).
 */
class SystemSmokeTest {

    private static final int WRITES_PER_PARTITION = 10;

    static Stream<Arguments> systemsAndPartitions() {
        return Stream.of(SystemKind.values()).flatMap(kind -> Stream.of(Arguments.of(kind, 1), Arguments.of(kind, 4)));
    }

    @ParameterizedTest(name = "{0} with {1} partitions")
    @MethodSource("systemsAndPartitions")
    void threeNodesDeliverEveryAcknowledgedWriteOnEveryPartition(SystemKind kind, int partitions, @TempDir Path dir)
            throws Exception {
        try (BenchSystem system = kind.create(RatisTransport.NETTY, JvmMode.ONE)) {
            system.start(new ClusterShape(3, partitions, dir));
            List<BitSet> acknowledged = writeToEveryPartition(system, partitions, WRITES_PER_PARTITION);

            Verification verification = new Verifier(Duration.ofSeconds(30)).verify(acknowledged, system::ledgers);

            long total = (long) partitions * WRITES_PER_PARTITION;
            assertThat(verification.verified()).as(verification.toString()).isTrue();
            assertDeliveredOncePerAttempt(verification, total, system.retriedAttempts());
            assertThat(system.configuration()).startsWith(system.name() + ":").contains("jvms: all nodes in one JVM");
        }
    }

    /**
     * Every node delivered each write once, plus at most one more per retried attempt: writes are at least once, and
     * an attempt retried after a leader change may have committed as well. Without retries, exactly once.
     */
    static void assertDeliveredOncePerAttempt(Verification verification, long total, long retried) {
        assertThat(verification.deliveredPerNode()).as("%s, retried attempts: %d", verification, retried)
                .hasSize(3).allSatisfy(delivered -> assertThat(delivered).isBetween(total, total + retried));
    }

    /**
     * Writes {@code perPartition} entries to each partition, waits (bounded) until all are acknowledged and returns
     * their ids per partition.
     */
    static List<BitSet> writeToEveryPartition(BenchSystem system, int partitions, int perPartition)
            throws Exception {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<BitSet> acknowledged = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            acknowledged.add(new BitSet());
        }
        for (int id = 0; id < partitions * perPartition; id++) {
            writes.add(system.write(id % partitions, Payloads.create(id, 64)));
            acknowledged.get(id % partitions).set(id);
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return acknowledged;
    }
}
