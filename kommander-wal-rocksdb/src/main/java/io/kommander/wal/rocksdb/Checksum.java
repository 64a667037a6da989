package io.kommander.wal.rocksdb;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Seals stored values with a CRC32C trailer computed over the key and the value body, and checks it on the way
 * back. Covering the key means a value that ends up under another key (a misdirected write, a bit flip in the
 * key) fails its check instead of being returned as some other entry.
 *
 * <p>Layout of a sealed value: {@code body ‖ crc32c(key ‖ body):u32 big-endian}. Stateless and thread-safe.
 */
final class Checksum {

    /** Bytes the trailer adds to every value. */
    static final int TRAILER_LENGTH = 4;

    private Checksum() {
    }

    /** Writes the trailer into the last four bytes of {@code value}, whose other bytes are the body. */
    static byte[] seal(byte[] key, byte[] value) {
        int bodyLength = value.length - TRAILER_LENGTH;
        ByteBuffer.wrap(value).putInt(bodyLength, compute(key, value, bodyLength));
        return value;
    }

    /** Whether the trailer of {@code value} matches its key and body; false if too short to hold one. */
    static boolean isIntact(byte[] key, byte[] value) {
        if (value.length < TRAILER_LENGTH) {
            return false;
        }
        int bodyLength = value.length - TRAILER_LENGTH;
        return ByteBuffer.wrap(value).getInt(bodyLength) == compute(key, value, bodyLength);
    }

    /**
     * The trailer of a body held in a buffer: {@code crc32c(key ‖ body)} over the remaining bytes of {@code key} and
     * {@code body}, which are left unconsumed. Reuses {@code crc}, so that an encoder sealing thousands of records a
     * second allocates nothing for it.
     */
    static int compute(CRC32C crc, ByteBuffer key, ByteBuffer body) {
        crc.reset();
        int keyStart = key.position();
        crc.update(key);
        key.position(keyStart);
        int bodyStart = body.position();
        crc.update(body);
        body.position(bodyStart);
        return (int) crc.getValue();
    }

    private static int compute(byte[] key, byte[] value, int bodyLength) {
        CRC32C crc = new CRC32C();
        crc.update(key, 0, key.length);
        crc.update(value, 0, bodyLength);
        return (int) crc.getValue();
    }
}
