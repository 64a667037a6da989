package io.kommander.wal.rocksdb;

import io.kommander.wal.LogEntry;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Puts entry records ({@link EntryCodec}) into a {@link WriteBatch} straight from one reused direct buffer. A record
 * built in a {@code byte[]} cost an array per entry and a second copy when RocksJava pinned the array for JNI; from a
 * direct buffer RocksDB copies the record once, into the batch, and the buffer is free again for the next entry.
 *
 * <p>One per WAL; not thread-safe: used only under the WAL's writer lock. The value buffer grows to the largest
 * record put so far and stays that size (records at or above the value log's threshold are pointer records and
 * never come here, so with the default settings it stays below 4 KiB plus the header).
 */
final class RecordEncoder {

    private static final int INITIAL_CAPACITY = 1024;

    private final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.ENTRY_KEY_LENGTH);
    private ByteBuffer value = ByteBuffer.allocateDirect(INITIAL_CAPACITY);
    private final CRC32C crc = new CRC32C();
    /** The last logType encoded and its UTF-8 bytes: writes of one partition mostly carry one type. */
    private String logType = "";
    private byte[] logTypeBytes = new byte[0];

    /** Puts the record of {@code entry} of {@code partition} under its entry key into {@code out}'s {@code log}. */
    void put(WriteBatch out, ColumnFamilyHandle log, int partition, LogEntry entry) throws RocksDBException {
        ByteBuffer record = record(partition, entry);
        out.put(log, key, record);
    }

    /**
     * The record of {@code entry} of {@code partition}, between the returned buffer's position and limit, and its key
     * in {@link #key}; both are overwritten by the next call.
     */
    ByteBuffer record(int partition, LogEntry entry) {
        key.clear();
        key.putInt(partition).putLong(entry.index()).flip();
        byte[] type = utf8(entry.logType());
        ByteBuffer buffer = buffer(EntryCodec.length(entry, type));
        EntryCodec.encode(key, entry, type, buffer, crc);
        return buffer;
    }

    private byte[] utf8(String type) {
        if (!type.equals(logType)) {
            logTypeBytes = type.getBytes(StandardCharsets.UTF_8);
            logType = type;
        }
        return logTypeBytes;
    }

    /** The value buffer, cleared, with at least {@code length} bytes. */
    private ByteBuffer buffer(int length) {
        if (value.capacity() < length) {
            value = ByteBuffer.allocateDirect(Math.max(length, value.capacity() * 2));
        }
        value.clear();
        return value;
    }
}
