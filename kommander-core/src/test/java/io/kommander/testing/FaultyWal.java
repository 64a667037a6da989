package io.kommander.testing;

import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link IWAL} over another that fails on demand, as a bad sector or a full disk would: entry reads of a
 * partition fail a given number of times, and every write whose batch carries data of a chosen partition fails
 * (leaving nothing behind, as {@link IWAL#write} promises) until healed. Everything else is passed through.
 *
 * <p>Thread-safe.
 */
public final class FaultyWal implements IWAL {

    private final IWAL storage;
    private final Map<Integer, AtomicInteger> readFailuresLeft = new ConcurrentHashMap<>();
    private final Set<Integer> writeFailing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failedReads = new AtomicInteger();
    private final AtomicInteger failedWrites = new AtomicInteger();

    /** @param storage what the calls that do not fail reach */
    public FaultyWal(IWAL storage) {
        this.storage = storage;
    }

    /** The storage underneath (to reopen it after a restart, say). */
    public IWAL storage() {
        return storage;
    }

    /** The next {@code times} entry reads of {@code partition} fail ({@link Integer#MAX_VALUE}: all of them). */
    public void failReads(int partition, int times) {
        readFailuresLeft.put(partition, new AtomicInteger(times));
    }

    /** Every write whose batch carries data of {@code partition} fails, until {@link #healWrites(int)}. */
    public void failWrites(int partition) {
        writeFailing.add(partition);
    }

    /** Writes carrying data of {@code partition} succeed again. */
    public void healWrites(int partition) {
        writeFailing.remove(partition);
    }

    /** Reads failed so far. */
    public int failedReads() {
        return failedReads.get();
    }

    /** Writes failed so far. */
    public int failedWrites() {
        return failedWrites.get();
    }

    @Override
    public void write(WalBatch batch) {
        failIf(batch.writes().stream().anyMatch(w -> writeFailing.contains(w.partition())));
        storage.write(batch);
    }

    @Override
    public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        AtomicInteger left = readFailuresLeft.get(partition);
        if (left != null && left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
            failedReads.incrementAndGet();
            throw new WalException("partition " + partition + ": injected read failure at index " + fromIndex);
        }
        return storage.read(partition, fromIndex, toIndex, maxBytes);
    }

    @Override
    public LogPosition lastPosition(int partition) {
        return storage.lastPosition(partition);
    }

    @Override
    public LogPosition compactedUpTo(int partition) {
        return storage.compactedUpTo(partition);
    }

    @Override
    public HardState hardState(int partition) {
        return storage.hardState(partition);
    }

    @Override
    public long lastCheckpoint(int partition) {
        return storage.lastCheckpoint(partition);
    }

    @Override
    public void compact(int partition, LogPosition upTo) {
        storage.compact(partition, upTo);
    }

    /** Fails as a write carrying data of the partition does, since installing a boundary writes its log. */
    @Override
    public void installSnapshotBoundary(int partition, LogPosition boundary) {
        failIf(writeFailing.contains(partition));
        storage.installSnapshotBoundary(partition, boundary);
    }

    /** Fails as a write of the partition does, since removing it writes its storage. */
    @Override
    public void removePartition(int partition) {
        failIf(writeFailing.contains(partition));
        storage.removePartition(partition);
    }

    private void failIf(boolean touchesAFailingPartition) {
        if (touchesAFailingPartition) {
            failedWrites.incrementAndGet();
            throw new WalException("injected write failure (no space left on device)");
        }
    }

    @Override
    public Optional<byte[]> metadata(String key) {
        return storage.metadata(key);
    }

    @Override
    public Set<Integer> partitions() {
        return storage.partitions();
    }

    @Override
    public void close() {
        storage.close();
    }
}
