package io.kommander.wal.rocksdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One batch as the value log stores it: the batch's large payloads, then the RocksDB {@code WriteBatch} that points
 * to them (serialized), so that one sync of the segment makes the whole batch durable and recovery can apply the
 * {@code WriteBatch} again if RocksDB lost it.
 *
 * <pre>
 * offset    size  field
 * 0         4     tag "KVLB"
 * 4         8     batch sequence number, i64 (grows by one per batch written to the value log)
 * 12        4     P = payload bytes, i32
 * 16        4     W = WriteBatch bytes, i32
 * 20        4     CRC32C(bytes 0..20)
 * 24        P     the payloads, back to back (pointer records say where each one is)
 * 24+P      W     the RocksDB WriteBatch, as {@code WriteBatch.data()} gives it
 * 24+P+W    4     CRC32C(bytes 24 .. 24+P+W)
 * </pre>
 *
 * @param sequence   the batch's sequence number
 * @param offset     where the record starts in its segment
 * @param length     the record's bytes, header and trailer included
 * @param writeBatch the serialized WriteBatch, or null if it was not read
 */
record ValueLogRecord(long sequence, long offset, long length, byte[] writeBatch) {

    static final int HEADER_BYTES = 24;
    static final int TRAILER_BYTES = 4;
    private static final int TAG = 0x4B564C42;

    /** The byte arrays of a record, in order, ready for one gathering write. */
    static List<byte[]> encode(long sequence, List<byte[]> payloads, long payloadBytes, byte[] writeBatch) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(TAG).putLong(sequence)
                .putInt(Math.toIntExact(payloadBytes)).putInt(writeBatch.length);
        header.putInt(crc(header.array(), HEADER_BYTES - 4));
        CRC32C body = new CRC32C();
        for (byte[] payload : payloads) {
            body.update(payload);
        }
        body.update(writeBatch);
        List<byte[]> parts = new ArrayList<>(payloads.size() + 3);
        parts.add(header.array());
        parts.addAll(payloads);
        parts.add(writeBatch);
        parts.add(ByteBuffer.allocate(TRAILER_BYTES).putInt((int) body.getValue()).array());
        return parts;
    }

    /**
     * Reads the record at {@code offset} whole and checks it.
     *
     * @return the record, or null if it is incomplete or fails a check (torn by a crash, or garbage)
     */
    static ValueLogRecord read(ValueLogSegment segment, long offset) throws IOException {
        ByteBuffer header = header(segment, offset);
        if (header == null) {
            return null;
        }
        long sequence = header.getLong(4);
        int payloadBytes = header.getInt(12);
        int writeBatchBytes = header.getInt(16);
        long length = (long) HEADER_BYTES + payloadBytes + writeBatchBytes + TRAILER_BYTES;
        if (offset + length > segment.size()) {
            return null;
        }
        byte[] body = segment.read(offset + HEADER_BYTES, payloadBytes + writeBatchBytes + TRAILER_BYTES);
        int bodyLength = body.length - TRAILER_BYTES;
        if (ByteBuffer.wrap(body).getInt(bodyLength) != crc(body, bodyLength)) {
            return null;
        }
        byte[] writeBatch = java.util.Arrays.copyOfRange(body, payloadBytes, bodyLength);
        return new ValueLogRecord(sequence, offset, length, writeBatch);
    }

    /**
     * Reads and checks only the header at {@code offset}: enough to step over a record already applied.
     *
     * @return the record without its WriteBatch, or null if the header is incomplete or fails its check
     */
    static ValueLogRecord readHeader(ValueLogSegment segment, long offset) throws IOException {
        ByteBuffer header = header(segment, offset);
        if (header == null) {
            return null;
        }
        long length = (long) HEADER_BYTES + header.getInt(12) + header.getInt(16) + TRAILER_BYTES;
        return new ValueLogRecord(header.getLong(4), offset, length, null);
    }

    private static ByteBuffer header(ValueLogSegment segment, long offset) throws IOException {
        if (offset + HEADER_BYTES > segment.size()) {
            return null;
        }
        ByteBuffer header = ByteBuffer.wrap(segment.read(offset, HEADER_BYTES));
        if (header.getInt(0) != TAG || header.getInt(HEADER_BYTES - 4) != crc(header.array(), HEADER_BYTES - 4)
                || header.getInt(12) < 0 || header.getInt(16) < 0) {
            return null;
        }
        return header;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
