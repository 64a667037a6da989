package io.kommander.wal.rocksdb;

import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of the small records of the state column family: a partition's hard state, compaction point
 * and checkpoint, and node metadata values. Each value is {@code version:u8 ‖ body ‖ CRC32C trailer}
 * ({@link Checksum}):
 *
 * <pre>
 * hard state        1 ‖ term:i64 ‖ commitIndex:i64 ‖ votedFor UTF-8 (rest)
 * compaction point  1 ‖ index:i64 ‖ term:i64
 * checkpoint        1 ‖ index:i64
 * metadata          1 ‖ value bytes (rest)
 * value log ref     1 ‖ highestIndex:i64 ‖ end:i64
 * applied           1 ‖ sequence:i64 ‖ segment:i64 ‖ offset:i64
 * </pre>
 *
 * <p>Stateless and thread-safe. A value that fails its check raises {@link WalException} naming what it was.
 */
final class StateCodec {

    static final byte RECORD_VERSION = 1;
    private static final int HEADER = 1;

    private StateCodec() {
    }

    static byte[] encodeHardState(byte[] key, HardState state) {
        byte[] vote = state.votedFor().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = allocate(16 + vote.length).putLong(state.term()).putLong(state.commitIndex()).put(vote);
        return Checksum.seal(key, buffer.array());
    }

    static HardState decodeHardState(byte[] key, byte[] value, String owner) {
        ByteBuffer body = open(key, value, 16, owner + " hard state");
        long term = body.getLong();
        long commitIndex = body.getLong();
        byte[] vote = new byte[body.remaining()];
        body.get(vote);
        try {
            return new HardState(term, new String(vote, StandardCharsets.UTF_8), commitIndex);
        } catch (IllegalArgumentException e) {
            throw new WalException(owner + ": corrupt hard state: " + e.getMessage());
        }
    }

    static byte[] encodePosition(byte[] key, LogPosition position) {
        return Checksum.seal(key, allocate(16).putLong(position.index()).putLong(position.term()).array());
    }

    static LogPosition decodePosition(byte[] key, byte[] value, String owner) {
        ByteBuffer body = open(key, value, 16, owner + " compaction point");
        return new LogPosition(body.getLong(), body.getLong());
    }

    static byte[] encodeCheckpoint(byte[] key, long index) {
        return Checksum.seal(key, allocate(8).putLong(index).array());
    }

    static long decodeCheckpoint(byte[] key, byte[] value, String owner) {
        return open(key, value, 8, owner + " checkpoint").getLong();
    }

    static byte[] encodeReference(byte[] key, SegmentReferences.Reference reference) {
        return Checksum.seal(key, allocate(16).putLong(reference.highestIndex()).putLong(reference.end()).array());
    }

    static SegmentReferences.Reference decodeReference(byte[] key, byte[] value, String owner) {
        ByteBuffer body = open(key, value, 16, owner + " value log reference");
        return new SegmentReferences.Reference(body.getLong(), body.getLong());
    }

    static byte[] encodeApplied(byte[] key, long sequence, long segment, long offset) {
        return Checksum.seal(key, allocate(24).putLong(sequence).putLong(segment).putLong(offset).array());
    }

    static ValueLogReplay.AppliedPosition decodeApplied(byte[] key, byte[] value) {
        ByteBuffer body = open(key, value, 24, "value log position");
        return new ValueLogReplay.AppliedPosition(body.getLong(), body.getLong(), body.getLong());
    }

    static byte[] encodeMetadata(byte[] key, byte[] metadata) {
        return Checksum.seal(key, allocate(metadata.length).put(metadata).array());
    }

    static byte[] decodeMetadata(byte[] key, byte[] value, String owner) {
        ByteBuffer body = open(key, value, 0, owner);
        byte[] metadata = new byte[body.remaining()];
        body.get(metadata);
        return metadata;
    }

    /** A buffer for {@code bodyLength} body bytes, positioned after the version byte. */
    private static ByteBuffer allocate(int bodyLength) {
        return ByteBuffer.allocate(HEADER + bodyLength + Checksum.TRAILER_LENGTH).put(RECORD_VERSION);
    }

    /** Checks the value and returns its body, positioned after the version byte. */
    private static ByteBuffer open(byte[] key, byte[] value, int minBody, String what) {
        if (value.length < HEADER + minBody + Checksum.TRAILER_LENGTH) {
            throw new WalException(what + ": corrupt record: " + value.length + " bytes is too short");
        }
        if (!Checksum.isIntact(key, value)) {
            throw new WalException(what + ": corrupt record: CRC32C mismatch (torn or altered record)");
        }
        if (value[0] != RECORD_VERSION) {
            throw new WalException(what + ": corrupt record: unknown record version " + value[0]);
        }
        return ByteBuffer.wrap(value, HEADER, value.length - HEADER - Checksum.TRAILER_LENGTH).slice();
    }
}
