package io.kommander.wal.rocksdb;

import org.rocksdb.Cache;
import org.rocksdb.WriteBufferManager;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configures and opens a {@link RocksDbWAL}. Every setting has a default chosen for a node with thousands of
 * partitions on a small machine; see {@code docs/wal-rocksdb.md} for what each one costs.
 *
 * <p>A block cache or write-buffer manager passed in belongs to the caller: the WAL uses it and never closes it,
 * so one cache can bound the memory of several RocksDB users of the host application. Close it after the WAL.
 *
 * <p>Not thread-safe; build on one thread.
 */
public final class RocksDbWALBuilder {

    static final int DEFAULT_SHARDS = 8;
    static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
    static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;
    static final long DEFAULT_MEMTABLE_BYTES = 16L << 20;
    static final long DEFAULT_BLOB_THRESHOLD_BYTES = 4L << 10;
    static final long DEFAULT_COMPACTION_TRIGGER_ENTRIES = 4096;
    static final long DEFAULT_VALUE_LOG_THRESHOLD_BYTES = 4L << 10;
    static final long DEFAULT_VALUE_LOG_SEGMENT_BYTES = 64L << 20;

    private final Path folder;
    private int shards = DEFAULT_SHARDS;
    private Cache blockCache;
    private long blockCacheBytes = DEFAULT_BLOCK_CACHE_BYTES;
    private WriteBufferManager writeBufferManager;
    private long writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;
    private long memtableBytes = DEFAULT_MEMTABLE_BYTES;
    private long blobThresholdBytes = DEFAULT_BLOB_THRESHOLD_BYTES;
    private long compactionTriggerEntries = DEFAULT_COMPACTION_TRIGGER_ENTRIES;
    private boolean verifyEveryRecordOnOpen;
    private long valueLogThresholdBytes = DEFAULT_VALUE_LOG_THRESHOLD_BYTES;
    private long valueLogSegmentBytes = DEFAULT_VALUE_LOG_SEGMENT_BYTES;

    RocksDbWALBuilder(Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /**
     * Number of log column families (shards) of a new folder; partition {@code p} lives in shard
     * {@code p mod shards}. Ignored when the folder exists: its format record fixes the count. Default 8.
     *
     * @param shards the shard count, 1..1024
     * @return this builder
     */
    public RocksDbWALBuilder shards(int shards) {
        if (shards < 1 || shards > 1024) {
            throw new IllegalArgumentException("shards must be within 1..1024, was " + shards);
        }
        this.shards = shards;
        return this;
    }

    /**
     * A block cache shared with the host application (owned by the caller). When absent, the WAL creates its
     * own LRU cache of {@link #blockCacheBytes(long)}.
     *
     * @param sharedCache the host's cache, closed by the host after the WAL
     * @return this builder
     */
    public RocksDbWALBuilder blockCache(Cache sharedCache) {
        this.blockCache = Objects.requireNonNull(sharedCache, "sharedCache");
        return this;
    }

    /** Capacity of the WAL's own block cache when none is passed in. Default 64 MiB. *
     * @param bytes capacity in bytes, > 0
     * @return this builder
     */
    public RocksDbWALBuilder blockCacheBytes(long bytes) {
        this.blockCacheBytes = positive(bytes, "blockCacheBytes");
        return this;
    }

    /**
     * A write-buffer manager shared with the host application (owned by the caller): it bounds the memtable
     * memory of every column family, however many there are. When absent, the WAL creates one of
     * {@link #writeBufferBytes(long)}, charged to the block cache and allowed to stall writes at its limit.
     *
     * @param sharedManager the host's manager, closed by the host after the WAL
     * @return this builder
     */
    public RocksDbWALBuilder writeBufferManager(WriteBufferManager sharedManager) {
        this.writeBufferManager = Objects.requireNonNull(sharedManager, "sharedManager");
        return this;
    }

    /** Total memtable memory of the WAL's own write-buffer manager. Default 64 MiB. *
     * @param bytes budget in bytes, > 0
     * @return this builder
     */
    public RocksDbWALBuilder writeBufferBytes(long bytes) {
        this.writeBufferBytes = positive(bytes, "writeBufferBytes");
        return this;
    }

    /** Size at which one shard's memtable is flushed to disk. Default 16 MiB. *
     * @param bytes memtable size in bytes, > 0
     * @return this builder
     */
    public RocksDbWALBuilder memtableBytes(long bytes) {
        this.memtableBytes = positive(bytes, "memtableBytes");
        return this;
    }

    /**
     * Entry records at least this large are kept in blob files rather than in the LSM tree, so compactions move
     * only their small references. 0 keeps every record in the tree. Default 4 KiB.
     *
     * @param bytes smallest record size kept in blob files, or 0 for none
     * @return this builder
     */
    public RocksDbWALBuilder blobThresholdBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("blobThresholdBytes must be >= 0, was " + bytes);
        }
        this.blobThresholdBytes = bytes;
        return this;
    }

    /**
     * After this many entries of a partition are removed by {@link RocksDbWAL#compact}, the removed key range is
     * compacted in the background to drop the deleted data and its range tombstones. Default 4096.
     *
     * @param entries deleted entries per partition that trigger a range compaction, > 0
     * @return this builder
     */
    public RocksDbWALBuilder compactionTriggerEntries(long entries) {
        this.compactionTriggerEntries = positive(entries, "compactionTriggerEntries");
        return this;
    }

    /**
     * Whether opening reads and checks every stored record (checksum and contiguity), rather than only each
     * partition's first and last entry and the state records. Off by default: it reads the whole log.
     *
     * @param verify true to check every record when opening
     * @return this builder
     */
    public RocksDbWALBuilder verifyEveryRecordOnOpen(boolean verify) {
        this.verifyEveryRecordOnOpen = verify;
        return this;
    }

    /**
     * Payloads of at least this many bytes are written once, to the value log's append-only segment files, and
     * RocksDB keeps only a small pointer to them, so its flushes and compactions never copy them. 0 keeps every
     * payload in RocksDB. Applies to new writes; entries already stored stay where they are. Default 4 KiB.
     *
     * @param bytes smallest payload written to the value log, or 0 for none
     * @return this builder
     */
    public RocksDbWALBuilder valueLogThresholdBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("valueLogThresholdBytes must be >= 0, was " + bytes);
        }
        this.valueLogThresholdBytes = bytes;
        return this;
    }

    /**
     * Size after which the value log starts a new segment file. Compaction deletes whole segments, so smaller
     * segments give space back sooner, at the cost of more files. Default 64 MiB.
     *
     * @param bytes segment size in bytes, > 0
     * @return this builder
     */
    public RocksDbWALBuilder valueLogSegmentBytes(long bytes) {
        this.valueLogSegmentBytes = positive(bytes, "valueLogSegmentBytes");
        return this;
    }

    /**
     * Opens the WAL, creating the folder if it is missing.
     *
     * @return the open WAL; close it when done
     *
     * @throws io.kommander.wal.WalException if the folder is locked, foreign, of a newer format, or damaged
     */
    public RocksDbWAL open() {
        return RocksDbWAL.open(new RocksDbWalSettings(folder, shards, blockCache, blockCacheBytes, writeBufferManager,
                writeBufferBytes, memtableBytes, blobThresholdBytes, compactionTriggerEntries,
                verifyEveryRecordOnOpen, valueLogThresholdBytes, valueLogSegmentBytes));
    }

    private static long positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return value;
    }
}
