package io.kommander.cluster;

import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An {@link InMemoryWAL} whose next write matching a test's condition fails as a failed sync would: it throws and
 * leaves nothing of the batch behind.
 *
 * <p>Thread-safe.
 */
final class FailingWal implements IWAL {

    private final InMemoryWAL wal = new InMemoryWAL();
    private Predicate<WalBatch> failNext;

    /** Makes the next write that {@code condition} matches fail; later writes succeed again. */
    synchronized void failNextWrite(Predicate<WalBatch> condition) {
        this.failNext = condition;
    }

    /** Whether a write armed by {@link #failNextWrite} has failed yet. */
    synchronized boolean failed() {
        return failNext == null;
    }

    @Override
    public void write(WalBatch batch) {
        synchronized (this) {
            if (failNext != null && failNext.test(batch)) {
                failNext = null;
                throw new WalException("injected sync failure");
            }
        }
        wal.write(batch);
    }

    @Override
    public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        return wal.read(partition, fromIndex, toIndex, maxBytes);
    }

    @Override
    public LogPosition lastPosition(int partition) {
        return wal.lastPosition(partition);
    }

    @Override
    public LogPosition compactedUpTo(int partition) {
        return wal.compactedUpTo(partition);
    }

    @Override
    public HardState hardState(int partition) {
        return wal.hardState(partition);
    }

    @Override
    public long lastCheckpoint(int partition) {
        return wal.lastCheckpoint(partition);
    }

    @Override
    public void compact(int partition, LogPosition upTo) {
        wal.compact(partition, upTo);
    }

    @Override
    public void installSnapshotBoundary(int partition, LogPosition boundary) {
        wal.installSnapshotBoundary(partition, boundary);
    }

    @Override
    public void removePartition(int partition) {
        wal.removePartition(partition);
    }

    @Override
    public Optional<byte[]> metadata(String key) {
        return wal.metadata(key);
    }

    @Override
    public Set<Integer> partitions() {
        return wal.partitions();
    }

    @Override
    public void close() {
        wal.close();
    }
}
