package io.kommander.wal.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Binary keys of the WAL. Every key is big-endian so that RocksDB's bytewise order is numeric order: a
 * partition's entries form one contiguous range ordered by index, which makes reads one seek plus a scan and
 * truncation and compaction one range delete each.
 *
 * <ul>
 *   <li>Entry (log column families): {@code partition:i32 ‖ index:i64}, 12 bytes.</li>
 *   <li>Partition record (state column family): {@code 'P' ‖ partition:i32 ‖ kind:u8}, 6 bytes.</li>
 *   <li>Node metadata (state column family): {@code 'M' ‖ UTF-8 key}.</li>
 *   <li>Value log reference (state column family): {@code 'V' ‖ segment:i64 ‖ partition:i32}, 13 bytes.</li>
 *   <li>Last value log batch applied (state column family): {@code 'A'}.</li>
 *   <li>Format record (state column family): {@code 'F'}.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class KeyCodec {

    /** Length of an entry key. */
    static final int ENTRY_KEY_LENGTH = 12;

    static final byte FORMAT_TAG = 'F';
    static final byte METADATA_TAG = 'M';
    static final byte PARTITION_TAG = 'P';
    static final byte VALUE_LOG_TAG = 'V';
    static final byte APPLIED_TAG = 'A';
    private static final int VALUE_LOG_KEY_LENGTH = 13;

    private static final byte[] FORMAT_KEY = {FORMAT_TAG};

    private KeyCodec() {
    }

    /** The kinds of per-partition records in the state column family. Codes are on disk: never renumber. */
    enum RecordKind {
        /** The partition's hard state; also marks that the partition exists. */
        HARD_STATE(1),
        /** The (index, term) the partition was compacted to; written when the partition first appears. */
        COMPACTION_POINT(2),
        /** The index of the partition's last committed checkpoint. */
        CHECKPOINT(3);

        final byte code;

        RecordKind(int code) {
            this.code = (byte) code;
        }

        static RecordKind ofCode(byte code) {
            for (RecordKind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return null;
        }
    }

    static byte[] entryKey(int partition, long index) {
        return ByteBuffer.allocate(ENTRY_KEY_LENGTH).putInt(partition).putLong(index).array();
    }

    static int entryPartition(byte[] key) {
        return ByteBuffer.wrap(key).getInt(0);
    }

    static long entryIndex(byte[] key) {
        return ByteBuffer.wrap(key).getLong(4);
    }

    static boolean isEntryKey(byte[] key) {
        return key.length == ENTRY_KEY_LENGTH;
    }

    static byte[] partitionKey(int partition, RecordKind kind) {
        return ByteBuffer.allocate(6).put(PARTITION_TAG).putInt(partition).put(kind.code).array();
    }

    static boolean isPartitionKey(byte[] key) {
        return key.length == 6 && key[0] == PARTITION_TAG;
    }

    static int partitionOfPartitionKey(byte[] key) {
        return ByteBuffer.wrap(key).getInt(1);
    }

    /** The record kind of a partition key, or null if its kind byte is unknown. */
    static RecordKind kindOfPartitionKey(byte[] key) {
        return RecordKind.ofCode(key[5]);
    }

    static byte[] metadataKey(String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + utf8.length).put(METADATA_TAG).put(utf8).array();
    }

    static boolean isMetadataKey(byte[] key) {
        return key.length >= 1 && key[0] == METADATA_TAG;
    }

    static String metadataName(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    }

    /** The key of a partition's reference to a value log segment. */
    static byte[] valueLogKey(long segment, int partition) {
        return ByteBuffer.allocate(VALUE_LOG_KEY_LENGTH).put(VALUE_LOG_TAG).putLong(segment).putInt(partition).array();
    }

    /** The first key of a segment's references: with {@code valueLogKeysStart(segment + 1)}, a range of them all. */
    static byte[] valueLogKeysStart(long segment) {
        return ByteBuffer.allocate(9).put(VALUE_LOG_TAG).putLong(segment).array();
    }

    static boolean isValueLogKey(byte[] key) {
        return key.length == VALUE_LOG_KEY_LENGTH && key[0] == VALUE_LOG_TAG;
    }

    static long segmentOfValueLogKey(byte[] key) {
        return ByteBuffer.wrap(key).getLong(1);
    }

    static int partitionOfValueLogKey(byte[] key) {
        return ByteBuffer.wrap(key).getInt(9);
    }

    static byte[] appliedKey() {
        return new byte[]{APPLIED_TAG};
    }

    static boolean isAppliedKey(byte[] key) {
        return key.length == 1 && key[0] == APPLIED_TAG;
    }

    static byte[] formatKey() {
        return FORMAT_KEY.clone();
    }

    static boolean isFormatKey(byte[] key) {
        return key.length == 1 && key[0] == FORMAT_TAG;
    }
}
