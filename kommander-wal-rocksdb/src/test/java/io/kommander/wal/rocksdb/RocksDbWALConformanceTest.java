package io.kommander.wal.rocksdb;

import io.kommander.wal.IWAL;
import io.kommander.wal.WalConformanceKit;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Runs the {@link IWAL} conformance kit against {@link RocksDbWAL}; a restart reopens the same folder. */
class RocksDbWALConformanceTest extends WalConformanceKit {

    @TempDir
    Path folder;

    @Override
    protected IWAL openWal() {
        // Three shards so that partitions share column families and tests cross shard boundaries.
        return RocksDbWAL.builder(folder.resolve("wal")).shards(3).blockCacheBytes(8L << 20)
                .writeBufferBytes(16L << 20).memtableBytes(4L << 20).verifyEveryRecordOnOpen(true).open();
    }
}
