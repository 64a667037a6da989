package io.kommander.wal.rocksdb;

/**
 * Where a payload kept in the {@link ValueLog} lives: what a pointer record in RocksDB holds instead of the bytes.
 *
 * @param segment the value log segment's number
 * @param offset  the payload's first byte in the segment file
 * @param length  the payload's length in bytes
 * @param crc     CRC32C of the entry key followed by the payload, so bytes read from the wrong place (or for another
 *                entry) fail the check instead of being returned
 */
record ValuePointer(long segment, long offset, int length, int crc) {

    /** Bytes a pointer takes in a record: segment i64, offset i64, length i32, crc u32. */
    static final int BYTES = 24;

    /** The offset just after the payload. */
    long end() {
        return offset + length;
    }
}
