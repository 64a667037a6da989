package io.kommander.bench.jmh;

import io.kommander.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One group-committed {@link IWAL#write}: one entry for each of {@code partitions} partitions in one batch (one
 * sync), as the FairWalScheduler issues it. The WAL is chosen by {@code wal}; add {@code rocksdb} to
 * {@link #open} when RocksDbWAL lands on main.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WalWriteBenchmark {

    /** Which WAL: only the in-memory one until RocksDbWAL is on main. */
    @Param("inmemory")
    public String wal;

    /** Bytes per entry. */
    @Param({"64", "1024", "16384"})
    public int payload;

    /** Partitions per batch (one entry each). */
    @Param({"1", "16"})
    public int partitions;

    private IWAL log;
    private byte[] data;
    private long index;

    /** Opens a fresh WAL for each iteration (it grows during one). */
    @Setup(Level.Iteration)
    public void open() {
        log = switch (wal) {
            case "inmemory" -> new InMemoryWAL();
            default -> throw new IllegalArgumentException("unknown WAL " + wal);
        };
        data = new byte[payload];
        index = 0;
    }

    /** Closes the iteration's WAL. */
    @TearDown(Level.Iteration)
    public void close() throws Exception {
        log.close();
    }

    /** Writes one batch: the next entry of every partition. */
    @Benchmark
    public long groupCommit() {
        index++;
        List<PartitionWrite> writes = new ArrayList<>(partitions);
        for (int p = 1; p <= partitions; p++) {
            writes.add(PartitionWrite.append(p, List.of(new LogEntry(index, 1, EntryKind.DATA, HLCTimestamp.ZERO,
                    "bench", data))));
        }
        log.write(WalBatch.of(writes));
        return index;
    }
}
