package io.kommander.wal.rocksdb;

import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds the in-memory {@link PartitionState} of every partition when a WAL opens, checking what it reads:
 * every state record's checksum, and for each partition that its entries start right after its compaction point
 * and that its last entry is intact (optionally, every entry), the payload of a pointer record included. Any damage
 * raises {@link WalException} naming the partition and index; nothing is skipped.
 *
 * <p>It also rebuilds which value log segments each partition holds (from the {@code 'V'} state records), lets the
 * {@link ValueLog} check and trim its segments against that, and deletes the records of segments no partition
 * holds any more.
 *
 * <p>Cost: one pass over the small state column family plus two seeks per partition (and one payload read per
 * partition whose last entry is in the value log), not a scan of the log (unless every record is verified).
 */
final class Recovery {

    private final Store store;
    private final boolean verifyEveryRecord;
    private final ValueLog valueLog;
    private final Map<Integer, PartitionState> states = new HashMap<>();
    private final Set<Long> recordedSegments = new TreeSet<>();

    private Recovery(Store store, boolean verifyEveryRecord, ValueLog valueLog) {
        this.store = store;
        this.verifyEveryRecord = verifyEveryRecord;
        this.valueLog = valueLog;
    }

    /** Recovers the state of every partition stored in {@code store}, and the value log's segments. */
    static Map<Integer, PartitionState> recover(Store store, boolean verifyEveryRecord, ValueLog valueLog) {
        Recovery recovery = new Recovery(store, verifyEveryRecord, valueLog);
        recovery.readStateRecords();
        List<ColumnFamilyHandle> logs = store.logs();
        for (int shard = 0; shard < logs.size(); shard++) {
            recovery.readShard(shard, logs.get(shard));
        }
        recovery.recoverValueLog();
        return recovery.states;
    }

    private void recoverValueLog() {
        Map<Integer, Long> compacted = new HashMap<>();
        states.forEach((partition, state) -> compacted.put(partition, state.compacted().index()));
        List<Long> stale = valueLog.recover(compacted, recordedSegments);
        if (stale.isEmpty()) {
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (long segment : stale) {
                batch.deleteRange(store.state, KeyCodec.valueLogKeysStart(segment),
                        KeyCodec.valueLogKeysStart(segment + 1));
            }
            // Unsynced: a record that comes back after a crash is found stale again by the next recovery.
            store.db.write(store.options.unsynced, batch);
        } catch (RocksDBException e) {
            throw new WalException("could not delete the records of released value log segments " + stale + ": "
                    + e.getMessage(), e);
        }
    }

    private void readStateRecords() {
        try (RocksIterator it = store.db.newIterator(store.state, store.options.read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (KeyCodec.isPartitionKey(key)) {
                    readPartitionRecord(key, it.value());
                } else if (KeyCodec.isValueLogKey(key)) {
                    readValueLogReference(key, it.value());
                } else if (KeyCodec.isMetadataKey(key)) {
                    StateCodec.decodeMetadata(key, it.value(), "metadata '" + KeyCodec.metadataName(key) + "'");
                } else if (!KeyCodec.isFormatKey(key) && !KeyCodec.isAppliedKey(key)) {
                    throw new WalException("state column family: unknown key " + HexFormat.of().formatHex(key)
                            + " (not written by this library)");
                }
            }
            checkStatus(it, "state column family");
        }
    }

    private void readPartitionRecord(byte[] key, byte[] value) {
        int partition = KeyCodec.partitionOfPartitionKey(key);
        String owner = "partition " + partition;
        PartitionState state = states.getOrDefault(partition, PartitionState.EMPTY);
        KeyCodec.RecordKind kind = KeyCodec.kindOfPartitionKey(key);
        if (kind == null) {
            throw new WalException(owner + ": state record of unknown kind " + key[5]);
        }
        state = switch (kind) {
            case HARD_STATE -> state.withHardState(StateCodec.decodeHardState(key, value, owner));
            case COMPACTION_POINT -> state.withCompacted(StateCodec.decodePosition(key, value, owner));
            case CHECKPOINT -> state.withCheckpoint(StateCodec.decodeCheckpoint(key, value, owner));
        };
        states.put(partition, state);
    }

    private void readValueLogReference(byte[] key, byte[] value) {
        long segment = KeyCodec.segmentOfValueLogKey(key);
        int partition = KeyCodec.partitionOfValueLogKey(key);
        SegmentReferences.Reference reference = StateCodec.decodeReference(key, value,
                "partition " + partition + ", segment " + segment);
        recordedSegments.add(segment);
        valueLog.references().add(segment, partition, reference);
    }

    /** Walks a shard partition by partition: a seek to each partition's first and last entry. */
    private void readShard(int shard, ColumnFamilyHandle log) {
        try (RocksIterator it = store.db.newIterator(log, store.options.read)) {
            it.seekToFirst();
            while (it.isValid()) {
                byte[] firstKey = checkedKey(it.key(), shard);
                int partition = KeyCodec.entryPartition(firstKey);
                long first = KeyCodec.entryIndex(firstKey);
                PartitionState state = states.get(partition);
                if (state == null) {
                    throw new WalException("partition " + partition + ", index " + first + ": entries are stored"
                            + " but the partition has no state record (damaged state column family)");
                }
                if (first != state.compacted().index() + 1) {
                    throw new WalException("partition " + partition + ": the first stored entry has index " + first
                            + ", expected " + (state.compacted().index() + 1)
                            + " (the compaction point + 1): entries are missing");
                }
                it.seekForPrev(KeyCodec.entryKey(partition, Long.MAX_VALUE));
                byte[] lastKey = checkedKey(it.key(), shard);
                LogEntry last = EntryCodec.decode(lastKey, it.value(), valueLog::read);
                if (verifyEveryRecord) {
                    verifyRange(log, partition, first, last.index());
                }
                states.put(partition, state.withLast(new LogPosition(last.index(), last.term())));
                it.next();
            }
            checkStatus(it, "log shard " + shard);
        }
    }

    private void verifyRange(ColumnFamilyHandle log, int partition, long first, long last) {
        try (RocksIterator it = store.db.newIterator(log, store.options.read)) {
            long expected = first;
            for (it.seek(KeyCodec.entryKey(partition, first)); it.isValid() && expected <= last; it.next()) {
                byte[] key = it.key();
                long index = KeyCodec.entryIndex(key);
                if (KeyCodec.entryPartition(key) != partition || index != expected) {
                    throw new WalException("partition " + partition + ", index " + expected
                            + ": entry is missing from the stored log");
                }
                EntryCodec.decode(key, it.value(), valueLog::read);
                expected++;
            }
            checkStatus(it, "partition " + partition);
        }
    }

    private byte[] checkedKey(byte[] key, int shard) {
        if (!KeyCodec.isEntryKey(key)) {
            throw new WalException("log shard " + shard + ": malformed key " + HexFormat.of().formatHex(key));
        }
        int partition = KeyCodec.entryPartition(key);
        if (store.format.shardOf(partition) != shard) {
            throw new WalException("partition " + partition + ", index " + KeyCodec.entryIndex(key)
                    + ": entry found in log shard " + shard + ", not in its shard " + store.format.shardOf(partition));
        }
        return key;
    }

    private static void checkStatus(RocksIterator it, String where) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new WalException(where + ": RocksDB failed while reading: " + e.getMessage(), e);
        }
    }
}
