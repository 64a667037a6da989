package io.kommander.wal.rocksdb;

import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The durable {@link IWAL}: every partition of a node in one RocksDB database.
 *
 * <p>Entries live in a few column families (shards, fixed when the folder is created; partition {@code p} in
 * shard {@code p mod shards}) under big-endian {@code (partition, index)} keys, so each partition is one ordered
 * range. Hard state, compaction point, checkpoint and node metadata live in a separate state column family.
 * Every record carries a CRC32C over its key and value. The layout and options are described in
 * {@code docs/wal-rocksdb.md}.
 *
 * <p>Payloads of at least {@link RocksDbWALBuilder#valueLogThresholdBytes} bytes are written once, to the
 * append-only segments of a {@link ValueLog}, and RocksDB keeps a small pointer record for each; segments are
 * deleted whole once compaction has released them.
 *
 * <p>{@link #write(WalBatch)} validates the whole batch against an in-memory copy of each partition's state, then
 * applies it as one RocksDB {@code WriteBatch}: with one synced RocksDB WAL write, or, when the batch has large
 * payloads, with one synced value log append that holds the payloads and the {@code WriteBatch} itself, followed by
 * an unsynced RocksDB write (recovery applies it again if RocksDB lost it). The in-memory state changes only after
 * that succeeds. {@link #compact} range-deletes without syncing and compacts large deleted ranges in the
 * background. {@link #installSnapshotBoundary} is one synced {@code WriteBatch}: a range delete of the partition's
 * entries and its new compaction point and checkpoint. {@link #removePartition} is one synced {@code WriteBatch}
 * too: a range delete of the partition's entries and the deletion of its state and value log references.
 *
 * <p>Thread-safe: writes and compactions are serialised; reads and queries run concurrently with them. After
 * {@link #close()}, every call throws {@link WalException}.
 */
public final class RocksDbWAL implements IWAL {

    private final Store store;
    private final ValueLog valueLog;
    private final Map<Integer, PartitionState> states;
    private final BackgroundCompactor compactor;
    /** Serialises writers, so validation against {@link #states} and the write that follows are one step. */
    private final Lock writer = new ReentrantLock();
    /** Readers of the native store hold the read side; {@link #close()} takes the write side to free it. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** The sequence number of the next batch written through the value log; guarded by {@link #writer}. */
    private long nextValueLogSequence;
    /** Set when a write through the value log failed half-way; guarded by {@link #writer}. */
    private boolean writeFailed;
    /** Encodes the batches' entry records; guarded by {@link #writer}. */
    private final RecordEncoder records = new RecordEncoder();

    private RocksDbWAL(Store store, ValueLog valueLog, long nextValueLogSequence, Map<Integer, PartitionState> states,
                       BackgroundCompactor compactor) {
        this.store = store;
        this.valueLog = valueLog;
        this.nextValueLogSequence = nextValueLogSequence;
        this.states = new ConcurrentHashMap<>(states);
        this.compactor = compactor;
    }

    /**
     * Opens the WAL in {@code folder} with default settings, creating the folder if it is missing.
     *
     * @param folder the WAL's folder; one WAL per node
     * @return the open WAL; close it when done
     * @throws WalException if the folder is locked by another process, holds something other than a Kommander
     *                      WAL, uses a newer on-disk format, or holds a damaged record
     */
    public static RocksDbWAL open(Path folder) {
        return builder(folder).open();
    }

    /**
     * A builder for a WAL in {@code folder}, to share a block cache or tune memory.
     *
     * @param folder the WAL's folder; one WAL per node
     * @return a builder with default settings
     */
    public static RocksDbWALBuilder builder(Path folder) {
        return new RocksDbWALBuilder(folder);
    }

    static RocksDbWAL open(RocksDbWalSettings settings) {
        Store store = StoreOpener.open(settings);
        ValueLog valueLog = null;
        try {
            valueLog = ValueLog.open(settings.folder().toAbsolutePath(), settings.valueLogThresholdBytes(),
                    settings.valueLogSegmentBytes());
            long nextSequence = ValueLogReplay.replay(store, valueLog);
            Map<Integer, PartitionState> states = Recovery.recover(store, settings.verifyEveryRecordOnOpen(),
                    valueLog);
            valueLog.prepareSpare();
            return new RocksDbWAL(store, valueLog, nextSequence, states,
                    new BackgroundCompactor(store.db, settings.compactionTriggerEntries()));
        } catch (RuntimeException e) {
            if (valueLog != null) {
                valueLog.close();
            }
            store.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One RocksDB {@code WriteBatch}, one synced write, for all partitions of the batch. The batch is
     * validated in full before anything is written. A batch with large payloads is synced once, in the value log,
     * together with its {@code WriteBatch}, before RocksDB sees it, so a pointer record never reaches the disk before
     * the bytes it points to.
     */
    @Override
    public void write(WalBatch batch) {
        if (isEmpty(batch)) {
            ensureOpen();
            return;
        }
        Lock open = enter();
        writer.lock();
        try (WriteBatch writeBatch = new WriteBatch()) {
            checkWritable();
            ValueLog.Appender values = valueLog.appender();
            Map<Integer, PartitionState> next = BatchStager.stage(batch, store, states::get, writeBatch, valueLog,
                    values, records);
            try {
                if (values.isEmpty()) {
                    store.db.write(store.options.synced, writeBatch);
                } else {
                    writeThroughValueLog(writeBatch, values);
                }
            } catch (RocksDBException e) {
                throw new WalException("could not make a batch of " + batch.writes().size()
                        + " partition writes durable: " + e.getMessage(), e);
            }
            values.committed();
            states.putAll(next);
        } finally {
            writer.unlock();
            open.unlock();
        }
    }

    /** Whether {@code batch} changes nothing: a loop, not a stream, as it runs on every group commit. */
    private static boolean isEmpty(WalBatch batch) {
        if (!batch.metadata().isEmpty()) {
            return false;
        }
        for (PartitionWrite write : batch.writes()) {
            if (!write.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One sync for a batch with large payloads: its value log record (payloads, then the serialized
     * {@code WriteBatch}, which also records that this record is the last one applied) is synced, then the
     * {@code WriteBatch} goes to RocksDB without a sync. If RocksDB loses it in a crash, recovery applies it again from
     * the segment. After a failure here, whether the batch comes back is unknown (as with a failed sync), so every
     * later change is refused until the WAL is reopened: a later batch must never be overtaken by this one on replay.
     */
    private void writeThroughValueLog(WriteBatch writeBatch, ValueLog.Appender values) throws RocksDBException {
        long sequence = nextValueLogSequence;
        byte[] applied = KeyCodec.appliedKey();
        writeBatch.put(store.state, applied, StateCodec.encodeApplied(applied, sequence, values.segment(),
                values.start()));
        writeFailed = true;
        values.write(sequence, writeBatch.data());
        nextValueLogSequence++;
        store.db.write(store.options.unsynced, writeBatch);
        writeFailed = false;
    }

    private void checkWritable() {
        if (writeFailed) {
            throw new WalException("an earlier write failed between the value log and RocksDB, so whether it will"
                    + " reappear after a restart is unknown: close and reopen the RocksDbWAL");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The entries come from one consistent RocksDB view. A missing entry inside the range is reported, not
     * skipped.
     */
    @Override
    public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        Lock open = enter();
        try {
            PartitionState state = states.get(partition);
            if (state == null || fromIndex > toIndex) {
                return List.of();
            }
            checkNotCompacted(partition, fromIndex, state);
            long last = Math.min(toIndex, state.last().index());
            if (fromIndex > last) {
                return List.of();
            }
            return scan(partition, fromIndex, last, maxBytes);
        } finally {
            open.unlock();
        }
    }

    private List<LogEntry> scan(int partition, long fromIndex, long lastIndex, long maxBytes) {
        ColumnFamilyHandle log = store.logOf(partition);
        List<LogEntry> result = new ArrayList<>();
        // The upper bound keeps the iterator from wandering past the range over other partitions or tombstones.
        try (Slice upper = new Slice(KeyCodec.entryKey(partition, lastIndex + 1));
             ReadOptions options = new ReadOptions().setVerifyChecksums(true).setIterateUpperBound(upper);
             RocksIterator it = store.db.newIterator(log, options)) {
            long bytes = 0;
            long expected = fromIndex;
            boolean full = false;
            for (it.seek(KeyCodec.entryKey(partition, fromIndex)); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (KeyCodec.entryIndex(key) != expected) {
                    throw missing(partition, expected);
                }
                LogEntry entry = decode(partition, key, it.value());
                if (!result.isEmpty() && bytes + entry.sizeEstimate() > maxBytes) {
                    full = true;
                    break;
                }
                bytes += entry.sizeEstimate();
                result.add(entry);
                expected++;
            }
            it.status();
            if (!full && expected <= lastIndex) {
                throw missing(partition, expected);
            }
        } catch (RocksDBException e) {
            throw new WalException("partition " + partition + ": reading from index " + fromIndex + " failed: "
                    + e.getMessage(), e);
        }
        return result;
    }

    /** Decodes an entry; a payload gone with its segment because the entry was compacted meanwhile says so. */
    private LogEntry decode(int partition, byte[] key, byte[] value) {
        try {
            return EntryCodec.decode(key, value, valueLog::read);
        } catch (WalException e) {
            PartitionState now = states.get(partition);
            long index = KeyCodec.entryIndex(key);
            if (now != null && index <= now.compacted().index()) {
                throw compacted(partition, index, now);
            }
            throw e;
        }
    }

    /** An entry the cached state says exists is absent: compacted meanwhile, or lost. */
    private WalException missing(int partition, long index) {
        PartitionState now = states.get(partition);
        if (now != null && index <= now.compacted().index()) {
            return compacted(partition, index, now);
        }
        if (now != null && index > now.last().index()) {
            return new WalException("partition " + partition + ", index " + index
                    + ": entry was truncated while being read");
        }
        return new WalException("partition " + partition + ", index " + index
                + ": entry is missing from the stored log");
    }

    private static void checkNotCompacted(int partition, long fromIndex, PartitionState state) {
        if (fromIndex <= state.compacted().index()) {
            throw compacted(partition, fromIndex, state);
        }
    }

    private static WalException compacted(int partition, long index, PartitionState state) {
        return new WalException("partition " + partition + ", index " + index + ": entry is compacted (compaction"
                + " point " + state.compacted().index() + ")");
    }

    /** {@inheritDoc} */
    @Override
    public LogPosition lastPosition(int partition) {
        return state(partition).last();
    }

    /** {@inheritDoc} */
    @Override
    public LogPosition compactedUpTo(int partition) {
        return state(partition).compacted();
    }

    /** {@inheritDoc} */
    @Override
    public HardState hardState(int partition) {
        return state(partition).hardState();
    }

    /** {@inheritDoc} */
    @Override
    public long lastCheckpoint(int partition) {
        return state(partition).checkpoint();
    }

    private PartitionState state(int partition) {
        ensureOpen();
        return states.getOrDefault(partition, PartitionState.EMPTY);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Not synced: the range delete and the new compaction point are written together, so after a crash either
     * both or neither are visible, and they become durable with the next {@link #write}. Once enough entries of
     * the partition are deleted, their key range is compacted on a background thread.
     */
    @Override
    public void compact(int partition, LogPosition upTo) {
        Lock open = enter();
        writer.lock();
        try (WriteBatch batch = new WriteBatch()) {
            checkWritable();
            PartitionState state = states.get(partition);
            if (state == null) {
                if (upTo.index() > 0) {
                    throw new WalException("partition " + partition + ": cannot compact to index " + upTo.index()
                            + ", the partition has no entries");
                }
                return;
            }
            long from = state.compacted().index() + 1;
            if (upTo.index() < from) {
                return;
            }
            if (upTo.index() > state.last().index()) {
                throw new WalException("partition " + partition + ": cannot compact to index " + upTo.index()
                        + ", beyond the last index " + state.last().index());
            }
            ColumnFamilyHandle log = store.logOf(partition);
            batch.deleteRange(log, KeyCodec.entryKey(partition, from), KeyCodec.entryKey(partition, upTo.index() + 1));
            byte[] key = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.COMPACTION_POINT);
            batch.put(store.state, key, StateCodec.encodePosition(key, upTo));
            store.db.write(store.options.unsynced, batch);
            states.put(partition, state.withCompacted(upTo));
            compactor.deleted(partition, log, from, upTo.index());
            valueLog.references().release(partition, upTo.index());
            if (valueLog.hasReleased()) {
                // The compactions that released the segments must survive a crash before their bytes go: sync
                // RocksDB's WAL (once per released segment, not per compaction).
                store.db.flushWal(true);
                deleteReleasedSegments();
            }
        } catch (RocksDBException e) {
            throw new WalException("partition " + partition + ": compaction to index " + upTo.index() + " failed: "
                    + e.getMessage(), e);
        } finally {
            writer.unlock();
            open.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One RocksDB {@code WriteBatch}, synced: a range delete of every stored entry of the partition, the new
     * compaction point and the new checkpoint. RocksDB applies a batch whole or not at all, and the sync also makes
     * every earlier unsynced compaction durable (they precede it in RocksDB's WAL). The in-memory state changes only
     * after the write succeeds.
     */
    @Override
    public void installSnapshotBoundary(int partition, LogPosition boundary) {
        Lock open = enter();
        writer.lock();
        try (WriteBatch batch = new WriteBatch()) {
            checkWritable();
            PartitionState state = states.getOrDefault(partition, PartitionState.EMPTY);
            IWAL.checkSnapshotBoundary(partition, boundary, state.compacted());
            ColumnFamilyHandle log = store.logOf(partition);
            long first = state.compacted().index() + 1;
            long last = state.last().index();
            if (first <= last) {
                batch.deleteRange(log, KeyCodec.entryKey(partition, first), KeyCodec.entryKey(partition, last + 1));
            }
            byte[] pointKey = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.COMPACTION_POINT);
            batch.put(store.state, pointKey, StateCodec.encodePosition(pointKey, boundary));
            byte[] checkpointKey = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.CHECKPOINT);
            batch.put(store.state, checkpointKey, StateCodec.encodeCheckpoint(checkpointKey, boundary.index()));
            // The partition no longer points into any segment: its references go with its entries.
            for (long segment : valueLog.references().heldBy(partition)) {
                batch.delete(store.state, KeyCodec.valueLogKey(segment, partition));
            }
            store.db.write(store.options.synced, batch);
            states.put(partition, new PartitionState(boundary, boundary, state.hardState(), boundary.index()));
            if (first <= last) {
                compactor.deleted(partition, log, first, last);
            }
            valueLog.references().forget(partition);
            if (valueLog.hasReleased()) {
                deleteReleasedSegments();   // the install was synced: nothing can bring the released pointers back
            }
        } catch (RocksDBException e) {
            throw new WalException("partition " + partition + ": could not make the snapshot boundary (index "
                    + boundary.index() + ", term " + boundary.term() + ") durable: " + e.getMessage(), e);
        } finally {
            writer.unlock();
            open.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One RocksDB {@code WriteBatch}, synced: a range delete of every entry key the partition may have, the
     * deletion of its state records (hard state, compaction point, checkpoint) and of its value log references. The
     * sync also makes every earlier unsynced write durable (value log batches applied without a sync and compactions),
     * so nothing replays the partition back. Value log segments only this partition held are deleted afterwards.
     */
    @Override
    public void removePartition(int partition) {
        Lock open = enter();
        writer.lock();
        try (WriteBatch batch = new WriteBatch()) {
            checkWritable();
            PartitionState state = states.get(partition);
            if (state == null) {
                return;
            }
            ColumnFamilyHandle log = store.logOf(partition);
            batch.deleteRange(log, KeyCodec.entryKey(partition, 0), KeyCodec.entryKey(partition, Long.MAX_VALUE));
            for (KeyCodec.RecordKind kind : KeyCodec.RecordKind.values()) {
                batch.delete(store.state, KeyCodec.partitionKey(partition, kind));
            }
            for (long segment : valueLog.references().heldBy(partition)) {
                batch.delete(store.state, KeyCodec.valueLogKey(segment, partition));
            }
            store.db.write(store.options.synced, batch);
            states.remove(partition);
            if (state.last().index() > state.compacted().index()) {
                compactor.deleted(partition, log, state.compacted().index() + 1, state.last().index());
            }
            valueLog.references().forget(partition);
            if (valueLog.hasReleased()) {
                deleteReleasedSegments(); // the removal was synced: nothing can bring the released pointers back
            }
        } catch (RocksDBException e) {
            throw new WalException("partition " + partition + ": could not make its removal durable: "
                    + e.getMessage(), e);
        } finally {
            writer.unlock();
            open.unlock();
        }
    }

    /**
     * Deletes the value log segments no partition holds, then their {@code 'V'} records (unsynced: a record that
     * comes back after a crash names a segment no partition holds, and recovery deletes it again). The caller holds
     * the writer lock and has made the releasing compactions durable.
     */
    private void deleteReleasedSegments() throws RocksDBException {
        List<Long> deleted = valueLog.deleteReleased();
        try (WriteBatch batch = new WriteBatch()) {
            for (long segment : deleted) {
                batch.deleteRange(store.state, KeyCodec.valueLogKeysStart(segment),
                        KeyCodec.valueLogKeysStart(segment + 1));
            }
            store.db.write(store.options.unsynced, batch);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Optional<byte[]> metadata(String key) {
        Lock open = enter();
        try {
            byte[] storedKey = KeyCodec.metadataKey(key);
            byte[] value = store.db.get(store.state, store.options.read, storedKey);
            return value == null ? Optional.empty()
                    : Optional.of(StateCodec.decodeMetadata(storedKey, value, "metadata '" + key + "'"));
        } catch (RocksDBException e) {
            throw new WalException("metadata '" + key + "': read failed: " + e.getMessage(), e);
        } finally {
            open.unlock();
        }
    }

    /** {@inheritDoc} */
    @Override
    public Set<Integer> partitions() {
        ensureOpen();
        return Set.copyOf(states.keySet());
    }

    /**
     * Stops the background compactor, then releases the column family handles, the database and the options, in
     * that order. Waits for calls in progress to finish. Idempotent.
     *
     * @throws WalException if RocksDB reports a failure while closing
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            compactor.close();
            valueLog.close();
            store.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * RocksDB's own statistics, for diagnosis: its {@code rocksdb.stats} report for the database (cumulative writes,
     * WAL syncs, write stalls by cause) and for each log shard (flushes, compactions, blob files, stalls).
     *
     * @return the reports, one after the other, each under a line naming what it covers
     * @throws WalException if the WAL is closed or RocksDB fails to report
     */
    public String statistics() {
        Lock open = enter();
        try {
            StringBuilder report = new StringBuilder("== database\n").append(store.db.getProperty("rocksdb.stats"));
            for (int shard = 0; shard < store.logs().size(); shard++) {
                report.append("\n== ").append(Store.logFamily(shard)).append('\n')
                        .append(store.db.getProperty(store.logs().get(shard), "rocksdb.stats"));
            }
            return report.toString();
        } catch (RocksDBException e) {
            throw new WalException("RocksDB could not report its statistics: " + e.getMessage(), e);
        } finally {
            open.unlock();
        }
    }

    /** The numbers of the value log's segment files; for tests. */
    List<Long> valueLogSegments() {
        return valueLog.segmentNumbers();
    }

    /** How many background range compactions have finished; for tests. */
    long completedBackgroundCompactions() {
        return compactor.completedCompactions();
    }

    /** Holds off {@link #close()} until the returned lock is released. */
    private Lock enter() {
        Lock lock = lifecycle.readLock();
        lock.lock();
        if (closed) {
            lock.unlock();
            throw closedException();
        }
        return lock;
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private static WalException closedException() {
        return new WalException("the RocksDbWAL is closed");
    }
}
