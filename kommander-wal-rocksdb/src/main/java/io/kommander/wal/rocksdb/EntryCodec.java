package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.WalException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of one log entry (the value under its {@link KeyCodec#entryKey entry key}). The index is not
 * repeated: it is in the key, and the checksum covers the key.
 *
 * <pre>
 * offset  size  field
 * 0       1     record version (1)
 * 1       1     entry kind code ({@link EntryKind#code()})
 * 2       8     term, i64
 * 10      8     time.physical, i64
 * 18      8     time.counter, i64
 * 26      4     L = length of logType in UTF-8 bytes, i32
 * 30      L     logType, UTF-8
 * 30+L    D     data (all bytes up to the trailer)
 * 30+L+D  4     CRC32C(key ‖ bytes 0 .. 30+L+D), u32
 * </pre>
 *
 * <p>Stateless and thread-safe. Decoding never guesses: any inconsistency raises {@link WalException} naming the
 * partition and index.
 */
final class EntryCodec {

    static final byte RECORD_VERSION = 1;
    /** Fixed bytes of a record besides logType and data. */
    static final int OVERHEAD = 30 + Checksum.TRAILER_LENGTH;

    private EntryCodec() {
    }

    static byte[] encode(int partition, LogEntry entry) {
        byte[] logType = entry.logType().getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[OVERHEAD + logType.length + entry.data().length];
        ByteBuffer.wrap(value)
                .put(RECORD_VERSION)
                .put((byte) entry.kind().code())
                .putLong(entry.term())
                .putLong(entry.time().physical())
                .putLong(entry.time().counter())
                .putInt(logType.length)
                .put(logType)
                .put(entry.data());
        return Checksum.seal(KeyCodec.entryKey(partition, entry.index()), value);
    }

    /**
     * Decodes the value stored under {@code key}.
     *
     * @throws WalException if the record fails its checksum or is malformed
     */
    static LogEntry decode(byte[] key, byte[] value) {
        int partition = KeyCodec.entryPartition(key);
        long index = KeyCodec.entryIndex(key);
        if (value.length < OVERHEAD) {
            throw corrupt(partition, index, "record is " + value.length + " bytes, shorter than the minimum "
                    + OVERHEAD);
        }
        if (!Checksum.isIntact(key, value)) {
            throw corrupt(partition, index, "CRC32C mismatch (torn or altered record)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(value, 0, value.length - Checksum.TRAILER_LENGTH);
        byte version = buffer.get();
        if (version != RECORD_VERSION) {
            throw corrupt(partition, index, "unknown record version " + version);
        }
        EntryKind kind;
        try {
            kind = EntryKind.ofCode(buffer.get());
        } catch (IllegalArgumentException e) {
            throw corrupt(partition, index, e.getMessage());
        }
        long term = buffer.getLong();
        HLCTimestamp time = new HLCTimestamp(buffer.getLong(), buffer.getLong());
        int logTypeLength = buffer.getInt();
        if (logTypeLength < 0 || logTypeLength > buffer.remaining()) {
            throw corrupt(partition, index, "logType length " + logTypeLength + " exceeds the record");
        }
        byte[] logType = new byte[logTypeLength];
        buffer.get(logType);
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        try {
            return new LogEntry(index, term, kind, time, new String(logType, StandardCharsets.UTF_8), data);
        } catch (IllegalArgumentException e) {
            throw corrupt(partition, index, e.getMessage());
        }
    }

    private static WalException corrupt(int partition, long index, String what) {
        return new WalException("partition " + partition + ", index " + index + ": corrupt log record: " + what);
    }
}
