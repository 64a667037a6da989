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
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Each adapter starts a tiny cluster, takes a few writes and delivers them on every node, so compare cannot rot. */
class SystemSmokeTest {

    private static final int WRITES = 20;

    @ParameterizedTest
    @EnumSource(SystemKind.class)
    void threeNodesDeliverEveryAcknowledgedWrite(SystemKind kind, @TempDir Path dir) throws Exception {
        try (BenchSystem system = kind.create(RatisTransport.NETTY, JvmMode.ONE)) {
            system.start(new ClusterShape(3, 1, dir));
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            BitSet acknowledged = new BitSet();
            for (int id = 0; id < WRITES; id++) {
                writes.add(system.write(0, Payloads.create(id, 64)));
                acknowledged.set(id);
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            Verification verification = new Verifier(Duration.ofSeconds(30)).verify(List.of(acknowledged),
                    system.ledgers());

            assertThat(verification.verified()).as(verification.toString()).isTrue();
            assertThat(verification.deliveredPerNode()).containsExactly((long) WRITES, (long) WRITES, (long) WRITES);
            assertThat(system.configuration()).startsWith(system.name() + ":");
        }
    }
}
