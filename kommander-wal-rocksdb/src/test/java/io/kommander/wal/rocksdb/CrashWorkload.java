package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The deterministic workload of the crash-safety test: batch {@code b} appends entry {@code b} to each of
 * {@link #PARTITIONS} partitions and stores {@code b} as their commit index and as metadata, so any surviving
 * state can be checked against what it must be. Sizes vary from empty to larger than a blob, so a torn record
 * of any size would show.
 */
final class CrashWorkload {

    static final int PARTITIONS = 6;
    static final String LAST_BATCH_KEY = "last-batch";
    /** Partition 0 is compacted every this many batches, to keep range deletes in the crash window. */
    static final long COMPACT_EVERY = 16;

    private CrashWorkload() {
    }

    static LogEntry entry(int partition, long batch) {
        SplittableRandom random = new SplittableRandom(batch * 1_000_003L + partition);
        byte[] data = new byte[random.nextInt(24 * 1024)];
        random.nextBytes(data);
        return new LogEntry(batch, 1 + batch / 100, EntryKind.DATA, new HLCTimestamp(batch, partition, 1),
                "batch-" + batch, data);
    }

    static WalBatch batch(long batch) {
        List<PartitionWrite> writes = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            writes.add(new PartitionWrite(partition, PartitionWrite.NO_TRUNCATE, List.of(entry(partition, batch)),
                    new HardState(1 + batch / 100, "node-1", batch), PartitionWrite.NO_CHECKPOINT));
        }
        return new WalBatch(writes, Map.of(LAST_BATCH_KEY, encode(batch)));
    }

    static byte[] encode(long batch) {
        return ByteBuffer.allocate(8).putLong(batch).array();
    }

    static long decode(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
