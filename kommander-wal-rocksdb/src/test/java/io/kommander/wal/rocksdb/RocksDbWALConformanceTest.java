package io.kommander.wal.rocksdb;

import io.kommander.wal.IWAL;
import io.kommander.wal.WalConformanceKit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Runs the {@link IWAL} conformance kit against {@link RocksDbWAL}, with the default value log threshold, with every
 * non-empty payload in the value log (and segments small enough to roll over many times), and with the value log
 * off. A restart reopens the same folder.
 */
class RocksDbWALConformanceTest extends WalConformanceKit {

    @TempDir
    Path folder;

    /** Three shards so that partitions share column families and tests cross shard boundaries. */
    static RocksDbWALBuilder smallWal(Path folder) {
        return RocksDbWAL.builder(folder.resolve("wal")).shards(3).blockCacheBytes(8L << 20)
                .writeBufferBytes(16L << 20).memtableBytes(4L << 20).verifyEveryRecordOnOpen(true);
    }

    @Override
    protected IWAL openWal() {
        return smallWal(folder).open();
    }

    /** Every non-empty payload in the value log, in 1 KiB segments. */
    @Nested
    class EveryPayloadInTheValueLog extends WalConformanceKit {

        @TempDir
        Path folder;

        @Override
        protected IWAL openWal() {
            return smallWal(folder).valueLogThresholdBytes(1).valueLogSegmentBytes(1024).open();
        }
    }

    /** The value log off: every payload in RocksDB. */
    @Nested
    class ValueLogOff extends WalConformanceKit {

        @TempDir
        Path folder;

        @Override
        protected IWAL openWal() {
            return smallWal(folder).valueLogThresholdBytes(0).open();
        }
    }
}
