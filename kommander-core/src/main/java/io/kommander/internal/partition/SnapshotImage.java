package io.kommander.internal.partition;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.wal.LogPosition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A partition's snapshot as the library stores and sends it: the boundary (the last entry it covers), the
 * partition's configuration, client sessions and {@link MoveHistory} at the boundary, and the application's state. Its encoding is what
 * goes to the WAL's metadata under {@link #metadataKey} and, in chunks, to a follower; its CRC32C is the
 * snapshot's identity together with the boundary.
 *
 * @param boundary      the (index, term) of the last entry the snapshot covers
 * @param configuration the configuration in effect at the boundary, as {@link ConfigurationHistory} stores it
 * @param sessions      the client sessions as of the boundary, as {@code ClientSessions} stores them
 * @param state         the application's bytes
 * @param moves         the move history as of the boundary ({@link MoveHistory#encode}; empty: none)
 */
public record SnapshotImage(LogPosition boundary, byte[] configuration, byte[] sessions, byte[] state, byte[] moves) {

    private static final int MAGIC = 0x4B534E50; // "KSNP"
    private static final int HEADER = 4 + 8 + 8 + 4 * 4;

    /** The largest encoded snapshot: the application's bound and room for the library's own state. */
    public static final long MAX_BYTES = IRaftStateMachineTransfer.MAX_SNAPSHOT_BYTES + (1L << 20);

    /** The WAL metadata key of partition {@code partition}'s latest snapshot. */
    public static String metadataKey(int partition) {
        return "snapshot/" + partition;
    }

    /** A snapshot without a move history (a partition that never took part in a move). */
    public SnapshotImage(LogPosition boundary, byte[] configuration, byte[] sessions, byte[] state) {
        this(boundary, configuration, sessions, state, new byte[0]);
    }

    /** This snapshot's library part with the application's state {@code state}. */
    public SnapshotImage withState(byte[] state) {
        return new SnapshotImage(boundary, configuration, sessions, state, moves);
    }

    /**
     * The encoding: magic, index, term, then each part as a length and its bytes, the move history last (a snapshot
     * stored before histories existed ends after the state, and decodes with none).
     */
    public byte[] encode() {
        return ByteBuffer.allocate(HEADER + configuration.length + sessions.length + state.length + moves.length)
                .putInt(MAGIC).putLong(boundary.index()).putLong(boundary.term())
                .putInt(configuration.length).put(configuration)
                .putInt(sessions.length).put(sessions)
                .putInt(state.length).put(state)
                .putInt(moves.length).put(moves).array();
    }

    /**
     * Decodes {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a snapshot
     */
    public static SnapshotImage decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a snapshot (bad magic)");
            }
            LogPosition boundary = new LogPosition(in.getLong(), in.getLong());
            byte[] configuration = part(in);
            byte[] sessions = part(in);
            byte[] state = part(in);
            byte[] moves = in.hasRemaining() ? part(in) : new byte[0];
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the snapshot");
            }
            MoveHistory.decode(moves); // a corrupt history is refused with the snapshot, before anything installs it
            return new SnapshotImage(boundary, configuration, sessions, state, moves);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a truncated snapshot of " + bytes.length + " bytes", e);
        }
    }

    private static byte[] part(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a part of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] part = new byte[length];
        in.get(part);
        return part;
    }

    /** The CRC32C of {@code length} bytes of {@code bytes} from {@code offset}, as an unsigned 32-bit value. */
    public static long crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
