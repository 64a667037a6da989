package io.kommander.wal.rocksdb;

import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link WalBatch} into one RocksDB {@link WriteBatch} and the partition states it leads to, checking
 * every write against the log first. Nothing reaches RocksDB until the whole batch is known to be valid, so an
 * invalid batch writes nothing and leaves the cached states untouched.
 *
 * <p>One instance per batch; used only under the WAL's writer lock.
 */
final class BatchStager {

    private final Store store;
    private final Function<Integer, PartitionState> committed;
    private final ValueLog valueLog;
    private final ValueLog.Appender values;
    private final RecordEncoder records;
    private final Map<Integer, PartitionState> staged = new LinkedHashMap<>();
    /**
     * Entries appended earlier in this batch, per partition, oldest write first, which a later truncation may fall
     * on. Whole writes are kept, not a term per entry: truncations inside one batch are rare, appends are not.
     */
    private final Map<Integer, List<List<LogEntry>>> stagedEntries = new HashMap<>();

    private BatchStager(Store store, Function<Integer, PartitionState> committed, ValueLog valueLog,
                        ValueLog.Appender values, RecordEncoder records) {
        this.store = store;
        this.committed = committed;
        this.valueLog = valueLog;
        this.values = values;
        this.records = records;
    }

    /**
     * Validates {@code batch}, adds its mutations to {@code out} and returns the resulting state of every
     * partition it changes.
     *
     * <p>Payloads the value log accepts are placed in {@code values} and stored in {@code out} as pointer records,
     * with each partition's reference to the segment; {@code values} must be written before {@code out}.
     *
     * @param committed the durable state of a partition, or null if it has none
     * @param records   encodes the entries that are not pointer records into {@code out}
     * @throws WalException if a write is inconsistent with the log; {@code out} and {@code values} must then be
     *                      discarded
     */
    static Map<Integer, PartitionState> stage(WalBatch batch, Store store,
                                              Function<Integer, PartitionState> committed, WriteBatch out,
                                              ValueLog valueLog, ValueLog.Appender values,
                                              RecordEncoder records) {
        BatchStager stager = new BatchStager(store, committed, valueLog, values, records);
        try {
            for (PartitionWrite write : batch.writes()) {
                stager.stageWrite(write, out);
            }
            if (!values.isEmpty()) {
                for (Map.Entry<Integer, SegmentReferences.Reference> held : values.references().entrySet()) {
                    byte[] key = KeyCodec.valueLogKey(values.segment(), held.getKey());
                    out.put(store.state, key, StateCodec.encodeReference(key, held.getValue()));
                }
            }
            for (Map.Entry<String, byte[]> metadata : batch.metadata().entrySet()) {
                byte[] key = KeyCodec.metadataKey(metadata.getKey());
                out.put(store.state, key, StateCodec.encodeMetadata(key, metadata.getValue()));
            }
        } catch (RocksDBException e) {
            throw new WalException("could not stage the batch: " + e.getMessage(), e);
        }
        return stager.staged;
    }

    private void stageWrite(PartitionWrite write, WriteBatch out) throws RocksDBException {
        int partition = write.partition();
        PartitionState state = staged.get(partition);
        if (state == null) {
            state = committed.apply(partition);
        }
        if (state == null) {
            if (write.isEmpty()) {
                return;
            }
            // The compaction-point record is what makes a partition exist on disk, even with no entries left.
            state = PartitionState.EMPTY;
            byte[] key = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.COMPACTION_POINT);
            out.put(store.state, key, StateCodec.encodePosition(key, LogPosition.ZERO));
        }
        ColumnFamilyHandle log = store.logOf(partition);
        if (write.truncateAfter() != PartitionWrite.NO_TRUNCATE) {
            state = truncate(partition, state, write.truncateAfter(), log, out);
        }
        List<LogEntry> entries = write.entries();
        if (!entries.isEmpty()) {
            long expected = state.last().index() + 1;
            for (LogEntry entry : entries) {
                if (entry.index() != expected) {
                    throw new WalException("partition " + partition + ": entry index " + entry.index()
                            + " is not contiguous with the log, expected " + expected);
                }
                if (valueLog.accepts(entry.data().length)) {
                    byte[] key = KeyCodec.entryKey(partition, entry.index());
                    ValuePointer pointer = values.add(partition, entry.index(), key, entry.data());
                    out.put(log, key, EntryCodec.encodePointer(key, entry, pointer));
                } else {
                    records.put(out, log, partition, entry);
                }
                expected++;
            }
            stagedEntries.computeIfAbsent(partition, p -> new ArrayList<>()).add(entries);
            LogEntry last = entries.get(entries.size() - 1);
            state = state.withLast(new LogPosition(last.index(), last.term()));
        }
        if (write.hardState() != null) {
            byte[] key = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.HARD_STATE);
            out.put(store.state, key, StateCodec.encodeHardState(key, write.hardState()));
            state = state.withHardState(write.hardState());
        }
        if (write.lastCheckpoint() != PartitionWrite.NO_CHECKPOINT) {
            byte[] key = KeyCodec.partitionKey(partition, KeyCodec.RecordKind.CHECKPOINT);
            out.put(store.state, key, StateCodec.encodeCheckpoint(key, write.lastCheckpoint()));
            state = state.withCheckpoint(write.lastCheckpoint());
        }
        staged.put(partition, state);
    }

    private PartitionState truncate(int partition, PartitionState state, long after, ColumnFamilyHandle log,
                                    WriteBatch out) throws RocksDBException {
        long compacted = state.compacted().index();
        if (after < compacted) {
            throw new WalException("partition " + partition + ": cannot truncate after index " + after
                    + ", below the compaction point " + compacted);
        }
        long last = state.last().index();
        if (after >= last) {
            return state;
        }
        out.deleteRange(log, KeyCodec.entryKey(partition, after + 1), KeyCodec.entryKey(partition, last + 1));
        LogPosition newLast = after == compacted ? state.compacted() : new LogPosition(after, termAt(partition, after));
        return state.withLast(newLast);
    }

    /**
     * The term of a retained entry: appended earlier in this batch, or durable. The newest write that appended
     * {@code index} holds it: an older one's entry there was truncated and replaced (it is retained now, so no
     * truncation after the newest removed it).
     */
    private long termAt(int partition, long index) throws RocksDBException {
        List<List<LogEntry>> writes = stagedEntries.getOrDefault(partition, List.of());
        for (int i = writes.size() - 1; i >= 0; i--) {
            List<LogEntry> entries = writes.get(i);
            long first = entries.get(0).index();
            if (index >= first && index < first + entries.size()) {
                return entries.get((int) (index - first)).term();
            }
        }
        byte[] key = KeyCodec.entryKey(partition, index);
        byte[] value = store.db.get(store.logOf(partition), store.options.read, key);
        if (value == null) {
            throw new WalException("partition " + partition + ", index " + index
                    + ": entry is missing from the stored log (needed to truncate after it)");
        }
        return EntryCodec.term(key, value);
    }
}
