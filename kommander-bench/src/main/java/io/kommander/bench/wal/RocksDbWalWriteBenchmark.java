package io.kommander.bench.wal;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.rocksdb.RocksDbWAL;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Synced group writes to {@link RocksDbWAL}: each operation is one {@code IWAL.write} of one entry to each of
 * {@code partitions} partitions, made durable with one sync, as {@code FairWalScheduler}'s group commit does.
 * Old entries are compacted as a Raft node would, so the log stays bounded. Compare with
 * {@link SyncedFileWriteBenchmark}, the same writes to a plain file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RocksDbWalWriteBenchmark {

    /** Keep this many entries per partition behind the head; compact the rest every so often. */
    private static final long RETAINED = 256;

    /** Partitions written by each group write. */
    @Param({"1", "16", "256"})
    public int partitions;

    /** Payload bytes per entry. */
    @Param({"64", "1024", "16384"})
    public int entryBytes;

    /**
     * Memtable size per shard in MiB; the WAL's write-buffer budget is four times it. The default is the WAL's
     * default; override with {@code -p memtableMiB=64} to see what more memory buys.
     */
    @Param({"16"})
    public int memtableMiB;

    /**
     * Payloads of at least this many KiB go to the WAL's value log; 0 keeps them all in RocksDB (as before the value
     * log existed). The default is the WAL's default; {@code -p valueLogKiB=0,4} compares the two.
     */
    @Param({"4"})
    public int valueLogKiB;

    private Path folder;
    private RocksDbWAL wal;
    private byte[] payload;
    private long index;

    /** Opens a fresh WAL in a scratch folder. */
    @Setup(Level.Trial)
    public void open() {
        folder = BenchFolder.create("rocksdb-wal-bench");
        wal = RocksDbWAL.builder(folder).memtableBytes((long) memtableMiB << 20)
                .writeBufferBytes(4L * memtableMiB << 20).valueLogThresholdBytes((long) valueLogKiB << 10).open();
        payload = new byte[entryBytes];
        new SplittableRandom(42).nextBytes(payload);   // incompressible, like most application payloads
        index = 0;
    }

    /** Closes the WAL and deletes its folder. */
    @TearDown(Level.Trial)
    public void close() {
        wal.close();
        BenchFolder.delete(folder);
    }

    /** RocksDB's statistics of the WAL under test ({@link RocksDbWAL#statistics()}); for {@link WalWriteProfile}. */
    String statistics() {
        return wal.statistics();
    }

    /** One synced group write of {@code partitions} entries. */
    @Benchmark
    public void groupWrite(WriteCounters counters) {
        index++;
        List<PartitionWrite> writes = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            LogEntry entry = new LogEntry(index, 1, EntryKind.DATA, new HLCTimestamp(index, 0, 1), "bench", payload);
            writes.add(PartitionWrite.append(partition, List.of(entry)));
        }
        wal.write(WalBatch.of(writes));
        counters.add(partitions, entryBytes);
        if (index % RETAINED == 0 && index > RETAINED) {
            for (int partition = 0; partition < partitions; partition++) {
                wal.compact(partition, new LogPosition(index - RETAINED, 1));
            }
        }
    }
}
