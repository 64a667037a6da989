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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

        Map<Path, Long> files = runsAVerifiedWorkload(dir);
        // the synced-file test below shows that the walk sees a WAL's files while the workload runs
        assertThat(files.keySet()).noneMatch(KommanderWiringTest::isStorage);
    }

    @Test
    void theSyncedFileWalRunsAVerifiedWorkloadAndSaysSo(@TempDir Path dir) throws Exception {
        System.setProperty(KommanderWiring.WAL_PROPERTY, "file");
        try (IWAL wal = new KommanderWiring().openWal(dir.resolve("alone"))) {
            assertThat(wal).isInstanceOf(SyncedFileWAL.class);
        }
        assertThat(KommanderWiring.description()).startsWith("wal=SyncedFileWAL").contains("diagnostic");

        Map<Path, Long> files = runsAVerifiedWorkload(dir.resolve("cluster"));
        assertThat(files.keySet()).noneMatch(file -> file.getFileName().toString().equals("CURRENT"));
        assertThat(files.entrySet())
                .filteredOn(file -> file.getKey().getFileName().toString().equals(SyncedFileWAL.FILE_NAME))
                .hasSize(3)
                .allSatisfy(file -> assertThat(file.getValue()).isPositive());
    }

    /** RocksDB's or the synced-file WAL's files. */
    private static boolean isStorage(Path file) {
        String name = file.getFileName().toString();
        return name.equals("CURRENT") || name.equals(SyncedFileWAL.FILE_NAME);
    }

    /**
     * Runs a short workload, checks that it was verified, and returns the files under {@code dir} (with their largest
     * size) seen while it ran: the runner deletes them when it ends.
     */
    private static Map<Path, Long> runsAVerifiedWorkload(Path dir) throws Exception {
        Map<Path, Long> seen = new ConcurrentHashMap<>();
        Workload workload = new Workload(4, 128, 2, 4, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        RunResult result = new BenchRunner(dir, 3, Duration.ofSeconds(30)).run(
                () -> SystemKind.KOMMANDER.create(RatisTransport.NETTY, JvmMode.ONE), workload,
                sample -> record(dir, seen));

        assertThat(result.verified()).isTrue();
        assertThat(result.throughput()).isPositive();
        return seen;
    }

    private static void record(Path dir, Map<Path, Long> seen) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(file -> seen.merge(file, sizeOf(file), Math::max));
        } catch (IOException | UncheckedIOException e) {
            // a file deleted while walked (RocksDB rolls its own); the next second sees the folder again
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUnknownWalIsRefusedByName(@TempDir Path dir) {
        System.setProperty(KommanderWiring.WAL_PROPERTY, "tmpfs");

        assertThatThrownBy(() -> new KommanderWiring().openWal(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kommander.bench.wal=tmpfs")
                .hasMessageContaining("rocksdb, memory or file");
    }
}
