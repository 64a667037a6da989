package io.kommander.bench.system.kommander;

import io.kommander.bench.load.BenchRunner;
import io.kommander.bench.load.RunResult;
import io.kommander.bench.load.Workload;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KommanderWiringTest {

    @AfterEach
    void clearTheProperty() {
        System.clearProperty(KommanderWiring.WAL_PROPERTY);
    }

    @Test
    void rocksDbIsTheDefault(@TempDir Path dir) throws Exception {
        try (IWAL wal = new KommanderWiring().openWal(dir)) {
            assertThat(wal).isInstanceOf(RocksDbWAL.class);
        }
        assertThat(KommanderWiring.description()).startsWith("wal=RocksDbWAL");
    }

    @Test
    void theInMemoryWalRunsAVerifiedWorkloadAndSaysSo(@TempDir Path dir) throws Exception {
        System.setProperty(KommanderWiring.WAL_PROPERTY, "memory");
        try (IWAL wal = new KommanderWiring().openWal(dir)) {
            assertThat(wal).isInstanceOf(InMemoryWAL.class);
        }
        assertThat(KommanderWiring.description()).startsWith("wal=InMemoryWAL").contains("diagnostic");

        Workload workload = new Workload(4, 128, 2, 4, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        RunResult result = new BenchRunner(dir, 3, Duration.ofSeconds(30)).run(
                () -> SystemKind.KOMMANDER.create(RatisTransport.NETTY, JvmMode.ONE), workload, sample -> { });

        assertThat(result.verified()).isTrue();
        assertThat(result.throughput()).isPositive();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("CURRENT"); // RocksDB's
        }
    }

    @Test
    void anUnknownWalIsRefusedByName(@TempDir Path dir) {
        System.setProperty(KommanderWiring.WAL_PROPERTY, "tmpfs");

        assertThatThrownBy(() -> new KommanderWiring().openWal(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kommander.bench.wal=tmpfs")
                .hasMessageContaining("rocksdb or memory");
    }
}
