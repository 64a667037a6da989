package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.io.IOException;

/**
 * Applies again, when the WAL opens, every batch that the value log holds and RocksDB lost.
 *
 * <p>A batch with large payloads is durable once its segment is synced; its RocksDB {@code WriteBatch} is written
 * without a sync, so a crash (of the machine: a killed process loses nothing the kernel has) can lose it. Each such
 * {@code WriteBatch} carries a state record saying which value log record it came from (the {@code 'A'} record:
 * sequence number, segment, offset), so RocksDB knows the last one it applied. Everything after that record, in its
 * segment and in every later one, is applied again, in order. A record that is incomplete or fails its check ends
 * its segment: the crash tore it, its batch was never acknowledged (a batch is acknowledged only after the sync),
 * and the segment is cut there.
 *
 * <p>Runs once, before {@link Recovery}, on a store nothing else uses yet.
 */
final class ValueLogReplay {

    private ValueLogReplay() {
    }

    /**
     * Applies the lost batches and cuts torn records.
     *
     * @return the sequence number the next batch written to the value log must have
     * @throws WalException if the record RocksDB says it applied last is damaged, or RocksDB fails
     */
    static long replay(Store store, ValueLog valueLog) {
        AppliedPosition applied = AppliedPosition.read(store);
        long last = applied == null ? 0 : applied.sequence();
        int replayed = 0;
        try {
            for (ValueLogSegment segment : valueLog.segments()) {
                if (applied != null && segment.number < applied.segment()) {
                    continue;
                }
                long offset = ValueLogSegment.HEADER_BYTES;
                if (applied != null && segment.number == applied.segment()) {
                    ValueLogRecord record = ValueLogRecord.readHeader(segment, applied.offset());
                    if (record == null || record.sequence() != applied.sequence()) {
                        throw new WalException("value log segment " + segment.file + ": the record at offset "
                                + applied.offset() + ", batch " + applied.sequence() + ", the last one RocksDB applied,"
                                + " is damaged");
                    }
                    offset = applied.offset() + record.length();
                } else if (!hasIntactHeader(segment)) {
                    // Torn while being created: nothing was ever appended to it.
                    segment.truncate(0);
                    continue;
                }
                while (offset < segment.size()) {
                    ValueLogRecord record = ValueLogRecord.read(segment, offset);
                    if (record == null) {
                        segment.truncate(offset);
                        break;
                    }
                    if (record.sequence() <= last) {
                        throw new WalException("value log segment " + segment.file + ": the record at offset "
                                + offset + " has batch number " + record.sequence() + ", not after " + last);
                    }
                    try (WriteBatch batch = new WriteBatch(record.writeBatch())) {
                        store.db.write(store.options.unsynced, batch);
                    }
                    last = record.sequence();
                    offset += record.length();
                    replayed++;
                }
                valueLog.noNumberBelow(segment.number + 1);
            }
            if (replayed > 0) {
                store.db.flushWal(true);
            }
        } catch (IOException e) {
            throw new WalException("value log folder " + valueLog.folder() + ": cannot read or cut it: " + e, e);
        } catch (RocksDBException e) {
            throw new WalException("value log folder " + valueLog.folder() + ": applying a batch again failed: "
                    + e.getMessage(), e);
        }
        return last + 1;
    }

    private static boolean hasIntactHeader(ValueLogSegment segment) {
        try {
            segment.checkHeader("recovery");
            return true;
        } catch (WalException e) {
            return false;
        }
    }

    /** The value log record of the last batch RocksDB applied: the {@code 'A'} state record. */
    record AppliedPosition(long sequence, long segment, long offset) {

        static AppliedPosition read(Store store) {
            byte[] key = KeyCodec.appliedKey();
            try {
                byte[] value = store.db.get(store.state, store.options.read, key);
                return value == null ? null : StateCodec.decodeApplied(key, value);
            } catch (RocksDBException e) {
                throw new WalException("cannot read the value log position: " + e.getMessage(), e);
            }
        }
    }
}
