package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The format record: what makes a RocksDB folder a Kommander WAL, which version of the on-disk format it uses,
 * and how many log shards (column families) it was created with. Written once, when the folder is created, under
 * {@link KeyCodec#formatKey()} in the state column family.
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "KMDR-WAL"
 * 8       4     format version, i32
 * 12      4     shard count, i32
 * 16      4     CRC32C(key ‖ bytes 0..16), u32
 * </pre>
 *
 * @param version the on-disk format version
 * @param shards  the number of log column families; a partition's entries live in shard {@code partition mod
 *                shards}, so this never changes after creation
 */
record WalFormat(int version, int shards) {

    /**
     * The format version this library writes, and the newest it reads. Version 2 added the node to entry times and
     * the client request id to entries (entry record version 2); version 3 added the value log (pointer records,
     * entry record version 3, and the {@code 'V'} state records). Older folders are still read, and upgraded to the
     * current version when opened (see {@code StoreOpener}).
     */
    static final int CURRENT_VERSION = 3;

    private static final byte[] MAGIC = "KMDR-WAL".getBytes(StandardCharsets.US_ASCII);
    private static final int LENGTH = 16 + Checksum.TRAILER_LENGTH;

    WalFormat {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, was " + shards);
        }
    }

    /** The format of a folder this library creates. */
    static WalFormat current(int shards) {
        return new WalFormat(CURRENT_VERSION, shards);
    }

    byte[] encode() {
        byte[] value = ByteBuffer.allocate(LENGTH).put(MAGIC).putInt(version).putInt(shards).array();
        return Checksum.seal(KeyCodec.formatKey(), value);
    }

    /**
     * Decodes a stored format record.
     *
     * @param folder the folder, for messages
     * @throws WalException if the record is damaged or not ours
     */
    static WalFormat decode(byte[] value, String folder) {
        if (value.length != LENGTH || !Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new WalException(folder + ": the format record is not a Kommander WAL format record");
        }
        if (!Checksum.isIntact(KeyCodec.formatKey(), value)) {
            throw new WalException(folder + ": the format record fails its CRC32C check");
        }
        ByteBuffer buffer = ByteBuffer.wrap(value, MAGIC.length, 8);
        int version = buffer.getInt();
        int shards = buffer.getInt();
        if (shards < 1) {
            throw new WalException(folder + ": the format record has an invalid shard count " + shards);
        }
        return new WalFormat(version, shards);
    }

    /** The shard that holds a partition's entries. */
    int shardOf(int partition) {
        return Math.floorMod(partition, shards);
    }
}
