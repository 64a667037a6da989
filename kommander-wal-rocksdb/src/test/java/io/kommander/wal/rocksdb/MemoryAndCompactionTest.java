package io.kommander.wal.rocksdb;

import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Host-owned memory budgets and background compaction of deleted ranges. */
class MemoryAndCompactionTest {

    static {
        // The host's cache is created before any WAL opens, which would load the native library.
        RocksDB.loadLibrary();
    }

    @TempDir
    Path temp;

    private static List<LogEntry> entries(long from, long to, int size) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(i -> new LogEntry(i, 1, EntryKind.DATA, null, "t", new byte[size]))
                .toList();
    }

    @Test
    void twoWalsShareTheHostsCacheAndWriteBufferManagerWithoutClosingThem() {
        try (LRUCache cache = new LRUCache(16L << 20);
             WriteBufferManager writeBuffers = new WriteBufferManager(8L << 20, cache)) {
            for (String name : List.of("node-a", "node-b")) {
                try (RocksDbWAL wal = RocksDbWAL.builder(temp.resolve(name)).blockCache(cache)
                        .writeBufferManager(writeBuffers).open()) {
                    wal.write(WalBatch.of(PartitionWrite.append(1, entries(1, 200, 1024))));
                    assertThat(cache.getUsage()).as("memtables are charged to the shared cache").isPositive();
                }
            }

            // Still usable after both WALs closed: the WAL never frees what the host owns.
            assertThat(cache.getUsage()).isGreaterThanOrEqualTo(0);
            try (RocksDbWAL wal = RocksDbWAL.builder(temp.resolve("node-a")).blockCache(cache)
                    .writeBufferManager(writeBuffers).open()) {
                assertThat(wal.read(1, 1, 200, Long.MAX_VALUE)).hasSize(200);
            }
        }
    }

    @Test
    void statisticsReportRocksDbsWritesAndStallsForTheDatabaseAndEachShard() {
        try (RocksDbWAL wal = RocksDbWAL.builder(temp.resolve("wal")).shards(2).open()) {
            wal.write(WalBatch.of(PartitionWrite.append(1, entries(1, 10, 256))));

            assertThat(wal.statistics())
                    .contains("== database", "== kommander-log-000", "== kommander-log-001")
                    .contains("Write Stall (count)", "write-buffer-manager-limit-stops", "Cumulative WAL: ");
        }
    }

    @Test
    void largeCompactionsAreCompactedInTheBackgroundWhileReadsAndWritesGoOn() {
        try (RocksDbWAL wal = RocksDbWAL.builder(temp.resolve("wal")).compactionTriggerEntries(500).open()) {
            wal.write(WalBatch.of(PartitionWrite.append(1, entries(1, 2000, 256))));

            wal.compact(1, new LogPosition(300, 1));
            assertThat(wal.completedBackgroundCompactions()).as("below the trigger").isZero();
            wal.compact(1, new LogPosition(1500, 1));
            wal.write(WalBatch.of(PartitionWrite.append(1, entries(2001, 2100, 256))));

            await().atMost(Duration.ofSeconds(30)).until(() -> wal.completedBackgroundCompactions() == 1);
            assertThat(wal.read(1, 1501, 2100, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1501, 2100, 256));
            assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(1500, 1));
        }
    }
}
