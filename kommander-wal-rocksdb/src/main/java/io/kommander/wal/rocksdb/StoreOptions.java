package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksObject;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The RocksDB options of one WAL, chosen on purpose (the reasons are in the comments and in
 * {@code docs/wal-rocksdb.md}), and the native objects behind them. Closing releases every native object this
 * class created, in reverse order of creation, and never a cache or write-buffer manager the host passed in.
 *
 * <p>Not thread-safe to build or close; the option objects themselves are only read once the database is open.
 */
final class StoreOptions implements AutoCloseable {

    /** Options of the database as a whole. */
    final DBOptions db;
    /** Options of the log shard column families. */
    final ColumnFamilyOptions log;
    /** Options of the small column families (state, and RocksDB's default one, which we leave empty). */
    final ColumnFamilyOptions small;
    /** {@code IWAL.write}: synced, so a returned write survives power loss. */
    final WriteOptions synced;
    /** {@code IWAL.compact}: not synced (the contract allows it), durable with the next synced write. */
    final WriteOptions unsynced;
    /** Reads: checksums verified by RocksDB too, on top of our CRC32C. */
    final ReadOptions read;

    private final List<RocksObject> owned = new ArrayList<>();

    StoreOptions(RocksDbWalSettings settings, boolean creating) {
        Cache cache = settings.sharedCache() != null ? settings.sharedCache()
                : own(new LRUCache(settings.blockCacheBytes()));
        // Memtables of all column families count against one budget, charged to the block cache, so memory stays
        // bounded however many shards exist; at the limit writers stall rather than the process growing.
        WriteBufferManager writeBuffers = settings.sharedWriteBufferManager() != null
                ? settings.sharedWriteBufferManager()
                : own(new WriteBufferManager(settings.writeBufferBytes(), cache, true));

        db = own(new DBOptions())
                .setCreateIfMissing(creating)
                .setCreateMissingColumnFamilies(creating)
                .setWriteBufferManager(writeBuffers)
                // The log must not lose a synced write, and a torn tail from a crash must not stop recovery:
                // point-in-time recovery replays every intact record and stops at the first torn one.
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                // With many column families, RocksDB keeps a WAL file until every family with data in it is
                // flushed; bounding the total forces stale families to flush instead of letting WAL files pile up.
                .setMaxTotalWalSize(4 * settings.writeBufferBytes())
                // Flushes and compactions never need more than the two cores a small node has.
                .setMaxBackgroundJobs(2)
                // Smooth SST writes out so a flush does not monopolise the disk that our fsyncs wait on.
                .setBytesPerSync(1L << 20)
                // Obsolete files are deleted by background threads, not by the writer that made them obsolete.
                .setAvoidUnnecessaryBlockingIO(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(4)
                .setMaxLogFileSize(8L << 20)
                .setStatsDumpPeriodSec(0);

        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                // Index blocks live in the shared cache too, so their memory is bounded by it.
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setBlockSize(16L << 10);

        // Entry keys start with the partition (KeyCodec.entryKey).
        log = own(withInsertHint(Integer.BYTES))
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setWriteBufferSize(settings.memtableBytes())
                .setMaxWriteBufferNumber(3)
                // Payloads are often already compressed; LZ4 is cheap and stores a block raw when it does not help.
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table);
        if (settings.blobThresholdBytes() > 0) {
            // Large records go to blob files: a compaction then moves 12-byte keys and references, not payloads,
            // which keeps write amplification near 2 (WAL + blob) for large entries.
            log.setEnableBlobFiles(true)
                    .setMinBlobSize(settings.blobThresholdBytes())
                    .setBlobFileSize(64L << 20)
                    .setEnableBlobGarbageCollection(true);
        }

        // A partition's state keys start with a tag and the partition (KeyCodec.partitionKey).
        small = own(withInsertHint(1 + Integer.BYTES))
                .setWriteBufferSize(Math.min(settings.memtableBytes(), 4L << 20))
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setTableFormatConfig(table);

        synced = own(new WriteOptions()).setSync(true);
        unsynced = own(new WriteOptions()).setSync(false);
        read = own(new ReadOptions()).setVerifyChecksums(true);
    }

    /**
     * RocksDB's default column family options plus an insert hint per key prefix of {@code prefixBytes}. A memtable
     * is one skip list, and a group write interleaves many partitions' keys (one entry and one hard state each at 64
     * partitions), so without a hint every insert searches the list from the top: a third of a WAL worker's CPU at 64
     * partitions (docs/benchmarks.md). With a partition's key prefix as the hint's, RocksDB keeps one insert position
     * per partition, and a partition's next key, which follows its last one (an entry) or replaces it (its hard
     * state), is inserted next to it, as a single partition's are. RocksJava has no setter for it; RocksDB takes it
     * by name.
     */
    private static ColumnFamilyOptions withInsertHint(int prefixBytes) {
        Properties hint = new Properties();
        hint.setProperty("memtable_insert_with_hint_prefix_extractor", "rocksdb.FixedPrefix." + prefixBytes);
        try (ConfigOptions config = new ConfigOptions()) {
            ColumnFamilyOptions options = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(config, hint);
            if (options == null) {
                throw new WalException("RocksDB refused the memtable insert hint option");
            }
            return options;
        }
    }

    private <T extends RocksObject> T own(T object) {
        owned.add(object);
        return object;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
