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
 * 0       1     record version (2)
 * 1       1     entry kind code ({@link EntryKind#code()})
 * 2       8     term, i64
 * 10      8     time.physical, i64
 * 18      8     time.counter, i64
 * 26      4     time.node, i32
 * 30      8     clientId of the request id, i64 (0: the entry has no request id)
 * 38      8     sequence of the request id, i64 (0 without a request id)
 * 46      4     L = length of logType in UTF-8 bytes, i32
 * 50      L     logType, UTF-8
 * 50+L    D     data (all bytes up to the trailer)
 * 50+L+D  4     CRC32C(key ‖ bytes 0 .. 50+L+D), u32
 * </pre>
 *
 * <p>Records of version 1, written before timestamps carried a node and entries a request id, lack
 * {@code time.node}, {@code clientId} and {@code sequence} (L is at offset 26); they are still read, with node 0
 * and no request id.
 *
 * <p>Stateless and thread-safe. Decoding never guesses: any inconsistency raises {@link WalException} naming the
 * partition and index.
 */
final class EntryCodec {

    static final byte RECORD_VERSION = 2;
    /** The version of records written before timestamps carried a node and entries a request id; read only. */
    static final byte RECORD_VERSION_1 = 1;
    /** Fixed bytes of a record besides logType and data. */
    static final int OVERHEAD = 50 + Checksum.TRAILER_LENGTH;
    /** Fixed bytes of a version-1 record: the shortest record there is. */
    static final int OVERHEAD_VERSION_1 = 30 + Checksum.TRAILER_LENGTH;

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
                .putInt(entry.time().node())
                .putLong(entry.clientId())
                .putLong(entry.sequence())
                .putInt(logType.length)
                .put(logType)
                .put(entry.data());
        return Checksum.seal(KeyCodec.entryKey(partition, entry.index()), value);
    }

    /**
     * Decodes the value stored under {@code key}, of either record version.
     *
     * @throws WalException if the record fails its checksum or is malformed
     */
    static LogEntry decode(byte[] key, byte[] value) {
        int partition = KeyCodec.entryPartition(key);
        long index = KeyCodec.entryIndex(key);
        if (value.length < OVERHEAD_VERSION_1) {
            throw corrupt(partition, index, "record is " + value.length + " bytes, shorter than the minimum "
                    + OVERHEAD_VERSION_1);
        }
        if (!Checksum.isIntact(key, value)) {
            throw corrupt(partition, index, "CRC32C mismatch (torn or altered record)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(value, 0, value.length - Checksum.TRAILER_LENGTH);
        byte version = buffer.get();
        if (version != RECORD_VERSION && version != RECORD_VERSION_1) {
            throw corrupt(partition, index, "unknown record version " + version);
        }
        boolean current = version == RECORD_VERSION;
        if (current && value.length < OVERHEAD) {
            throw corrupt(partition, index, "record is " + value.length + " bytes, shorter than the minimum "
                    + OVERHEAD + " of version " + RECORD_VERSION);
        }
        EntryKind kind;
        try {
            kind = EntryKind.ofCode(buffer.get());
        } catch (IllegalArgumentException e) {
            throw corrupt(partition, index, e.getMessage());
        }
        long term = buffer.getLong();
        long physical = buffer.getLong();
        long counter = buffer.getLong();
        int node = current ? buffer.getInt() : 0;
        HLCTimestamp time = new HLCTimestamp(physical, counter, node);
        long clientId = current ? buffer.getLong() : 0;
        long sequence = current ? buffer.getLong() : 0;
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
