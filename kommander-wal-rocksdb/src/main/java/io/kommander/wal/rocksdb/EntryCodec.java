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
 * version 1 (an entry without a client request id)
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
 *
 * version 2 (an entry with a client request id): version 1 with, after time.counter,
 * 26      8     clientId, i64
 * 34      8     sequence, i64
 * and the rest 16 bytes further on.
 * </pre>
 *
 * <p>An entry without a request id is always written as version 1, so those records are the same as before
 * version 2 existed. Stateless and thread-safe. Decoding never guesses: any inconsistency raises
 * {@link WalException} naming the partition and index.
 */
final class EntryCodec {

    static final byte RECORD_VERSION = 1;
    /** The version of records that carry a client request id. */
    static final byte REQUEST_RECORD_VERSION = 2;
    /** Fixed bytes of a version-1 record besides logType and data. */
    static final int OVERHEAD = 30 + Checksum.TRAILER_LENGTH;
    /** What a request id adds to a record. */
    static final int REQUEST_ID_BYTES = 16;

    private EntryCodec() {
    }

    static byte[] encode(int partition, LogEntry entry) {
        byte[] logType = entry.logType().getBytes(StandardCharsets.UTF_8);
        boolean request = entry.hasRequestId();
        byte[] value = new byte[OVERHEAD + (request ? REQUEST_ID_BYTES : 0) + logType.length + entry.data().length];
        ByteBuffer out = ByteBuffer.wrap(value)
                .put(request ? REQUEST_RECORD_VERSION : RECORD_VERSION)
                .put((byte) entry.kind().code())
                .putLong(entry.term())
                .putLong(entry.time().physical())
                .putLong(entry.time().counter());
        if (request) {
            out.putLong(entry.clientId()).putLong(entry.sequence());
        }
        out.putInt(logType.length)
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
        if (version != RECORD_VERSION && version != REQUEST_RECORD_VERSION) {
            throw corrupt(partition, index, "unknown record version " + version);
        }
        boolean request = version == REQUEST_RECORD_VERSION;
        if (request && value.length < OVERHEAD + REQUEST_ID_BYTES) {
            throw corrupt(partition, index, "record is " + value.length + " bytes, shorter than the minimum "
                    + (OVERHEAD + REQUEST_ID_BYTES) + " of version " + version);
        }
        EntryKind kind;
        try {
            kind = EntryKind.ofCode(buffer.get());
        } catch (IllegalArgumentException e) {
            throw corrupt(partition, index, e.getMessage());
        }
        long term = buffer.getLong();
        HLCTimestamp time = new HLCTimestamp(buffer.getLong(), buffer.getLong());
        long clientId = request ? buffer.getLong() : 0;
        long sequence = request ? buffer.getLong() : 0;
        if (request && clientId == 0) {
            throw corrupt(partition, index, "version " + version + " record without a client id");
        }
        int logTypeLength = buffer.getInt();
        if (logTypeLength < 0 || logTypeLength > buffer.remaining()) {
            throw corrupt(partition, index, "logType length " + logTypeLength + " exceeds the record");
        }
        byte[] logType = new byte[logTypeLength];
        buffer.get(logType);
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        try {
            return new LogEntry(index, term, kind, time, new String(logType, StandardCharsets.UTF_8), data, clientId,
                    sequence);
        } catch (IllegalArgumentException e) {
            throw corrupt(partition, index, e.getMessage());
        }
    }

    private static WalException corrupt(int partition, long index, String what) {
        return new WalException("partition " + partition + ", index " + index + ": corrupt log record: " + what);
    }
}
