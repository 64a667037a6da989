package io.kommander.bench.system.kommander;

import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A diagnostic WAL: the least work a log store of its own would do for a write, and nothing more. Every
 * {@link #write} encodes its batch as one checksummed record (per entry: partition, index, term, type and payload;
 * per partition its hard state), appends it to one file and syncs it ({@code fdatasync}) before returning; everything
 * else (reads, positions, compaction) is answered by an {@link InMemoryWAL} that holds the same writes. The file is
 * never read back: it cannot recover, so it is never a WAL for real use, only a measure of what appending and syncing
 * cost against {@code RocksDbWAL} (docs/benchmarks.md). The file wraps around (by default at {@value #WRAP_BYTES}
 * bytes) so that a long run does not fill the disk. Thread-safe (writes are serialized, as in every WAL the core drives).
 */
final class SyncedFileWAL implements IWAL {

    /** Where the file starts again from its beginning, by default. */
    static final long WRAP_BYTES = 256L << 20;

    /** The log's file name in the node's folder. */
    static final String FILE_NAME = "synced.log";

    private final InMemoryWAL memory = new InMemoryWAL();
    private final FileChannel file;
    private final long wrapBytes;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);

    /** Creates (or empties) {@code dir/synced.log}, wrapping at {@value #WRAP_BYTES} bytes. */
    SyncedFileWAL(Path dir) {
        this(dir, WRAP_BYTES);
    }

    /** Creates (or empties) {@code dir/synced.log}; a write that starts past {@code wrapBytes} starts at 0 instead. */
    SyncedFileWAL(Path dir, long wrapBytes) {
        this.wrapBytes = wrapBytes;
        try {
            Files.createDirectories(dir);
            this.file = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the diagnostic log in " + dir, e);
        }
    }

    @Override
    public synchronized void write(WalBatch batch) {
        buffer.clear();
        for (PartitionWrite write : batch.writes()) {
            for (LogEntry entry : write.entries()) {
                byte[] type = entry.logType().getBytes(StandardCharsets.UTF_8);
                ensure(4 + 8 + 8 + 2 + type.length + 4 + entry.data().length);
                buffer.putInt(write.partition()).putLong(entry.index()).putLong(entry.term())
                        .putShort((short) type.length).put(type).putInt(entry.data().length).put(entry.data());
            }
            HardState hard = write.hardState();
            if (hard != null) {
                byte[] votedFor = hard.votedFor().getBytes(StandardCharsets.UTF_8);
                ensure(4 + 8 + 8 + 2 + votedFor.length);
                buffer.putInt(write.partition()).putLong(hard.term()).putLong(hard.commitIndex())
                        .putShort((short) votedFor.length).put(votedFor);
            }
        }
        ensure(8);
        int end = buffer.position();
        crc.reset();
        buffer.flip();
        crc.update(buffer.duplicate());
        buffer.limit(end + 8).position(end);
        buffer.putLong(crc.getValue());
        buffer.flip();
        try {
            if (file.position() > wrapBytes) {
                file.position(0);
            }
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            file.force(false);
        } catch (IOException e) {
            throw new WalException("diagnostic log write failed: " + e.getMessage(), e);
        }
        memory.write(batch);
    }

    private void ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
    }

    @Override
    public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        return memory.read(partition, fromIndex, toIndex, maxBytes);
    }

    @Override
    public LogPosition lastPosition(int partition) {
        return memory.lastPosition(partition);
    }

    @Override
    public LogPosition compactedUpTo(int partition) {
        return memory.compactedUpTo(partition);
    }

    @Override
    public HardState hardState(int partition) {
        return memory.hardState(partition);
    }

    @Override
    public long lastCheckpoint(int partition) {
        return memory.lastCheckpoint(partition);
    }

    @Override
    public void compact(int partition, LogPosition upTo) {
        memory.compact(partition, upTo);
    }

    @Override
    public void installSnapshotBoundary(int partition, LogPosition boundary) {
        memory.installSnapshotBoundary(partition, boundary);
    }

    @Override
    public void removePartition(int partition) {
        memory.removePartition(partition);
    }

    @Override
    public Optional<byte[]> metadata(String key) {
        return memory.metadata(key);
    }

    @Override
    public Set<Integer> partitions() {
        return memory.partitions();
    }

    @Override
    public synchronized void close() {
        memory.close();
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
