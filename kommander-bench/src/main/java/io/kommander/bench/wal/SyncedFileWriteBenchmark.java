package io.kommander.bench.wal;

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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for {@link RocksDbWalWriteBenchmark}: the same group writes appended to a plain file with one
 * {@link FileChannel#write} and one {@link FileChannel#force force(false)} (fdatasync, as RocksDB's WAL uses)
 * per operation. Each entry gets a 16-byte header (partition, index, length); no checksum, no index, no
 * memtable: the most a synced append can do on this disk. The file is rotated every 256 MiB so the disk does
 * not fill up, as a segmented log would be.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncedFileWriteBenchmark {

    private static final int HEADER = 16;
    private static final long SEGMENT_BYTES = 256L << 20;

    /** Partitions written by each group write. */
    @Param({"1", "16", "256"})
    public int partitions;

    /** Payload bytes per entry. */
    @Param({"64", "1024", "16384"})
    public int entryBytes;

    private Path folder;
    private FileChannel channel;
    private ByteBuffer buffer;
    private byte[] payload;
    private long index;
    private int segment;

    /** Creates the scratch folder and the first segment. */
    @Setup(Level.Trial)
    public void open() throws IOException {
        folder = BenchFolder.create("synced-file-bench");
        buffer = ByteBuffer.allocateDirect(partitions * (HEADER + entryBytes));
        payload = new byte[entryBytes];
        new SplittableRandom(42).nextBytes(payload);
        index = 0;
        segment = 0;
        channel = newSegment();
    }

    /** Closes the file and deletes the folder. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        BenchFolder.delete(folder);
    }

    /** One synced group write of {@code partitions} entries. */
    @Benchmark
    public void groupWrite(WriteCounters counters) throws IOException {
        index++;
        buffer.clear();
        for (int partition = 0; partition < partitions; partition++) {
            buffer.putInt(partition).putLong(index).putInt(entryBytes).put(payload);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        counters.add(partitions, entryBytes);
        if (channel.position() >= SEGMENT_BYTES) {
            Path previous = segmentPath(segment);
            channel.close();
            segment++;
            channel = newSegment();
            Files.delete(previous);
        }
    }

    private FileChannel newSegment() throws IOException {
        return FileChannel.open(segmentPath(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private Path segmentPath(int number) {
        return folder.resolve("segment-" + number + ".log");
    }
}
