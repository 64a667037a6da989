package io.kommander.wal.rocksdb;

import org.rocksdb.Cache;
import org.rocksdb.WriteBufferManager;

import java.nio.file.Path;

/**
 * The validated settings of one {@link RocksDbWAL}, as collected by {@link RocksDbWALBuilder}.
 * {@code sharedCache} and {@code sharedWriteBufferManager} are null unless the host passed its own.
 */
record RocksDbWalSettings(Path folder, int shards, Cache sharedCache, long blockCacheBytes,
                          WriteBufferManager sharedWriteBufferManager, long writeBufferBytes, long memtableBytes,
                          long blobThresholdBytes, long compactionTriggerEntries, boolean verifyEveryRecordOnOpen,
                          long valueLogThresholdBytes, long valueLogSegmentBytes) {
}
