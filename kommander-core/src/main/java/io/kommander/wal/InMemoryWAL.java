package io.kommander.wal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link IWAL} that keeps everything in memory: for tests, demos and nodes whose durability comes from their
 * peers alone. Every write is "durable" the moment it returns, as long as the process lives.
 *
 * <p>Thread-safe (one lock). Meets the {@code WalConformanceKit} contract.
 */
public final class InMemoryWAL implements IWAL {

    private final Map<Integer, PartitionLog> partitions;
    private final Map<String, byte[]> metadata;
    private boolean closed;

    /** Creates an empty in-memory WAL. */
    public InMemoryWAL() {
        this(new HashMap<>(), new HashMap<>());
    }

    private InMemoryWAL(Map<Integer, PartitionLog> partitions, Map<String, byte[]> metadata) {
        this.partitions = partitions;
        this.metadata = metadata;
    }

    /**
     * Returns a new open handle on this WAL's contents, as reopening a folder would after a restart. This handle
     * must be closed first, so that only one handle is ever in use.
     *
     * @throws IllegalStateException if this handle is still open
     */
    public synchronized InMemoryWAL reopen() {
        if (!closed) {
            throw new IllegalStateException("close this InMemoryWAL before reopening it");
        }
        return new InMemoryWAL(partitions, metadata);
    }

    /** Per-partition storage: entries[i] has index compacted.index + 1 + i. */
    private static final class PartitionLog {
        final ArrayList<LogEntry> entries = new ArrayList<>();
        LogPosition compacted = LogPosition.ZERO;
        HardState hardState = HardState.EMPTY;
        long lastCheckpoint;

        long lastIndex() {
            return compacted.index() + entries.size();
        }
    }

    @Override
    public synchronized void write(WalBatch batch) {
        ensureOpen();
        // Validate the whole batch against simulated bounds first, so a rejected batch leaves nothing behind
        // (atomicity) without copying any partition's log.
        Map<Integer, Long> lastIndices = new HashMap<>();
        for (PartitionWrite write : batch.writes()) {
            if (write.isEmpty()) {
                continue;
            }
            PartitionLog log = partitions.get(write.partition());
            long compacted = log == null ? 0 : log.compacted.index();
            long last = lastIndices.getOrDefault(write.partition(), log == null ? 0 : log.lastIndex());
            if (write.truncateAfter() != PartitionWrite.NO_TRUNCATE) {
                if (write.truncateAfter() < compacted) {
                    throw new WalException("partition " + write.partition() + ": cannot truncate after "
                            + write.truncateAfter() + ", at or below the compaction point " + compacted);
                }
                last = Math.min(last, write.truncateAfter());
            }
            for (LogEntry entry : write.entries()) {
                if (entry.index() != last + 1) {
                    throw new WalException("partition " + write.partition() + ": entry index " + entry.index()
                            + " is not contiguous, expected " + (last + 1));
                }
                last = entry.index();
            }
            lastIndices.put(write.partition(), last);
        }
        for (PartitionWrite write : batch.writes()) {
            if (!write.isEmpty()) {
                apply(partitions.computeIfAbsent(write.partition(), p -> new PartitionLog()), write);
            }
        }
        batch.metadata().forEach((k, v) -> metadata.put(k, v.clone()));
    }

    private static void apply(PartitionLog log, PartitionWrite write) {
        if (write.truncateAfter() != PartitionWrite.NO_TRUNCATE) {
            long keep = write.truncateAfter() - log.compacted.index();
            if (log.entries.size() > keep) {
                log.entries.subList((int) keep, log.entries.size()).clear();
            }
        }
        log.entries.addAll(write.entries());
        if (write.hardState() != null) {
            log.hardState = write.hardState();
        }
        if (write.lastCheckpoint() != PartitionWrite.NO_CHECKPOINT) {
            log.lastCheckpoint = write.lastCheckpoint();
        }
    }

    @Override
    public synchronized List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        if (log == null || fromIndex > toIndex) {
            return List.of();
        }
        if (fromIndex <= log.compacted.index()) {
            throw new WalException("partition " + partition + ": index " + fromIndex
                    + " is compacted (compaction point " + log.compacted.index() + ")");
        }
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        long last = Math.min(toIndex, log.lastIndex());
        for (long i = fromIndex; i <= last; i++) {
            LogEntry entry = log.entries.get((int) (i - log.compacted.index() - 1));
            if (!result.isEmpty() && bytes + entry.sizeEstimate() > maxBytes) {
                break;
            }
            bytes += entry.sizeEstimate();
            result.add(entry);
        }
        return result;
    }

    @Override
    public synchronized LogPosition lastPosition(int partition) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        if (log == null) {
            return LogPosition.ZERO;
        }
        if (log.entries.isEmpty()) {
            return log.compacted;
        }
        LogEntry last = log.entries.get(log.entries.size() - 1);
        return new LogPosition(last.index(), last.term());
    }

    @Override
    public synchronized LogPosition compactedUpTo(int partition) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        return log == null ? LogPosition.ZERO : log.compacted;
    }

    @Override
    public synchronized HardState hardState(int partition) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        return log == null ? HardState.EMPTY : log.hardState;
    }

    @Override
    public synchronized long lastCheckpoint(int partition) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        return log == null ? 0 : log.lastCheckpoint;
    }

    @Override
    public synchronized void compact(int partition, LogPosition upTo) {
        ensureOpen();
        PartitionLog log = partitions.get(partition);
        long lastIndex = log == null ? 0 : log.lastIndex();
        if (upTo.index() > lastIndex) {
            throw new WalException("partition " + partition + ": cannot compact to " + upTo.index()
                    + ", beyond the last index " + lastIndex);
        }
        if (log == null || upTo.index() <= log.compacted.index()) {
            return;
        }
        int drop = (int) (upTo.index() - log.compacted.index());
        log.entries.subList(0, drop).clear();
        log.compacted = upTo;
    }

    @Override
    public synchronized void installSnapshotBoundary(int partition, LogPosition boundary) {
        ensureOpen();
        PartitionLog existing = partitions.get(partition);
        IWAL.checkSnapshotBoundary(partition, boundary, existing == null ? LogPosition.ZERO : existing.compacted);
        PartitionLog log = partitions.computeIfAbsent(partition, p -> new PartitionLog());
        log.entries.clear();
        log.compacted = boundary;
        log.lastCheckpoint = boundary.index();
    }

    @Override
    public synchronized void removePartition(int partition) {
        ensureOpen();
        partitions.remove(partition);
    }

    @Override
    public synchronized Optional<byte[]> metadata(String key) {
        ensureOpen();
        byte[] value = metadata.get(key);
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    @Override
    public synchronized Set<Integer> partitions() {
        ensureOpen();
        return Set.copyOf(partitions.keySet());
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new WalException("the WAL is closed");
        }
    }
}
