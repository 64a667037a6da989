package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.WalException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

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
 * <p>Records of version 3 are pointer records: the same fields up to {@code logType}, then, instead of the data,
 * where the data lives in the {@link ValueLog}:
 *
 * <pre>
 * 50+L    8     segment, i64
 * 58+L    8     offset in the segment, i64
 * 66+L    4     D = length of the data, i32
 * 70+L    4     CRC32C(key ‖ data), u32
 * 74+L    4     CRC32C(key ‖ bytes 0 .. 74+L), u32
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
    /** The version of pointer records, whose data is in the value log. */
    static final byte RECORD_VERSION_POINTER = 3;
    /** The version of records written before timestamps carried a node and entries a request id; read only. */
    static final byte RECORD_VERSION_1 = 1;
    /** Fixed bytes of a record besides logType and data. */
    static final int OVERHEAD = 50 + Checksum.TRAILER_LENGTH;
    /** Fixed bytes of a version-1 record: the shortest record there is. */
    static final int OVERHEAD_VERSION_1 = 30 + Checksum.TRAILER_LENGTH;

    /** Where pointer records' data is read from. */
    @FunctionalInterface
    interface Payloads {
        /** The checked data a pointer record of entry {@code key} points to. */
        byte[] read(int partition, long index, byte[] key, ValuePointer pointer);
    }

    /** For records that cannot be pointer records: any pointer is an error. */
    static final Payloads NO_VALUE_LOG = (partition, index, key, pointer) -> {
        throw corrupt(partition, index, "pointer record, but no value log to read it from");
    };

    private EntryCodec() {
    }

    static byte[] encode(int partition, LogEntry entry) {
        return encode(KeyCodec.entryKey(partition, entry.index()), entry);
    }

    /** The record of {@code entry}, stored under {@code key} (its {@link KeyCodec#entryKey entry key}). */
    static byte[] encode(byte[] key, LogEntry entry) {
        byte[] logType = entry.logType().getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[length(entry, logType)];
        encode(ByteBuffer.wrap(key), entry, logType, ByteBuffer.wrap(value), new CRC32C());
        return value;
    }

    /** The length of {@code entry}'s record, whose logType is {@code logType} in UTF-8. */
    static int length(LogEntry entry, byte[] logType) {
        return OVERHEAD + logType.length + entry.data().length;
    }

    /**
     * Writes the record of {@code entry}, stored under the remaining bytes of {@code key}, into {@code out} from its
     * position on, sealed; {@code out} then holds the record between its position and limit, ready to be read.
     *
     * @param logType the entry's logType in UTF-8 (an encoder may keep it from one entry to the next)
     * @param out     {@link #length} bytes or more remaining; heap or direct
     * @param crc     reset and used for the trailer
     */
    static void encode(ByteBuffer key, LogEntry entry, byte[] logType, ByteBuffer out, CRC32C crc) {
        int start = out.position();
        header(out, RECORD_VERSION, entry, logType).put(entry.data());
        int bodyEnd = out.position();
        out.limit(bodyEnd).position(start);
        int trailer = Checksum.compute(crc, key, out);
        out.limit(bodyEnd + Checksum.TRAILER_LENGTH);
        out.putInt(bodyEnd, trailer);
    }

    /** A pointer record of {@code entry}, whose data was placed in the value log at {@code pointer}. */
    static byte[] encodePointer(byte[] key, LogEntry entry, ValuePointer pointer) {
        byte[] logType = entry.logType().getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[OVERHEAD + logType.length + ValuePointer.BYTES];
        header(ByteBuffer.wrap(value), RECORD_VERSION_POINTER, entry, logType)
                .putLong(pointer.segment())
                .putLong(pointer.offset())
                .putInt(pointer.length())
                .putInt(pointer.crc());
        return Checksum.seal(key, value);
    }

    private static ByteBuffer header(ByteBuffer buffer, byte version, LogEntry entry, byte[] logType) {
        return buffer
                .put(version)
                .put((byte) entry.kind().code())
                .putLong(entry.term())
                .putLong(entry.time().physical())
                .putLong(entry.time().counter())
                .putInt(entry.time().node())
                .putLong(entry.clientId())
                .putLong(entry.sequence())
                .putInt(logType.length)
                .put(logType);
    }

    /**
     * The term of the record stored under {@code key}, checked, without reading a pointer record's data.
     *
     * @throws WalException if the record fails its checksum
     */
    static long term(byte[] key, byte[] value) {
        if (value.length < OVERHEAD_VERSION_1 || !Checksum.isIntact(key, value)) {
            throw corrupt(KeyCodec.entryPartition(key), KeyCodec.entryIndex(key),
                    "CRC32C mismatch (torn or altered record)");
        }
        return ByteBuffer.wrap(value).getLong(2);
    }

    /** Decodes a record that is not a pointer record (a pointer record raises {@link WalException}). */
    static LogEntry decode(byte[] key, byte[] value) {
        return decode(key, value, NO_VALUE_LOG);
    }

    /**
     * Decodes the value stored under {@code key}, of any record version, reading a pointer record's data from
     * {@code payloads}.
     *
     * @throws WalException if the record, or the data it points to, fails its checksum or is malformed
     */
    static LogEntry decode(byte[] key, byte[] value, Payloads payloads) {
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
        if (version != RECORD_VERSION && version != RECORD_VERSION_1 && version != RECORD_VERSION_POINTER) {
            throw corrupt(partition, index, "unknown record version " + version);
        }
        boolean pointer = version == RECORD_VERSION_POINTER;
        boolean current = version != RECORD_VERSION_1;
        int minimum = pointer ? OVERHEAD + ValuePointer.BYTES : OVERHEAD;
        if (current && value.length < minimum) {
            throw corrupt(partition, index, "record is " + value.length + " bytes, shorter than the minimum "
                    + minimum + " of version " + version);
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
        byte[] data;
        if (pointer) {
            if (buffer.remaining() != ValuePointer.BYTES) {
                throw corrupt(partition, index, "pointer record has " + buffer.remaining() + " bytes after logType,"
                        + " expected " + ValuePointer.BYTES);
            }
            ValuePointer at = new ValuePointer(buffer.getLong(), buffer.getLong(), buffer.getInt(), buffer.getInt());
            if (at.segment() < 1 || at.offset() < ValueLogSegment.HEADER_BYTES || at.length() < 1) {
                throw corrupt(partition, index, "impossible value log pointer " + at);
            }
            data = payloads.read(partition, index, key, at);
        } else {
            data = new byte[buffer.remaining()];
            buffer.get(data);
        }
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
