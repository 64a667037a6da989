package io.kommander.internal.partition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica's log held of moves up to a point, kept when compaction removes those entries: every split and
 * merge entry (with its index), and where each seed's first complete sequence of chunks ended. Stored with every
 * compaction and every snapshot (as the client sessions are), and restored with them, so that a replica rebuilt
 * from either still knows which moves its partition took part in. Without it, a move entry appended a second time
 * (by a leader whose partition map is stale) would be taken for a new move by a rebuilt replica and not by the
 * others: keys dropped on some replicas only.
 *
 * <p>Encoded as a format byte, the count of move entries, each as its index, a kind byte (0 split, 1 merge) and its
 * {@link MoveEntry} encoding (length first), then the count of seeds, each as its kind byte (0 a split's, 1 a
 * merge's), source partition and the index of its last chunk. Big-endian.
 *
 * @param moves the split and merge entries, in index order
 * @param seeds the seeds absorbed, each at the index of the last chunk of its first complete sequence
 */
public record MoveHistory(List<LoggedMove> moves, List<CompletedSeed> seeds) {

    /** A history with nothing in it. */
    public static final MoveHistory EMPTY = new MoveHistory(List.of(), List.of());

    private static final byte FORMAT = 1;
    private static final String METADATA_PREFIX = "kommander.moves.";

    /**
     * A split or merge entry of the log.
     *
     * @param index where the log held it
     * @param merge whether it is a merge entry (else a split entry)
     * @param move  the entry
     */
    public record LoggedMove(long index, boolean merge, MoveEntry move) {
    }

    /**
     * A seed the log holds a complete sequence of.
     *
     * @param index  the index of that sequence's last chunk
     * @param merge  whether it is a merge's seed (else a split's)
     * @param source the partition the seed came from
     */
    public record CompletedSeed(long index, boolean merge, int source) {
    }

    /** Copies the lists. */
    public MoveHistory {
        moves = List.copyOf(moves);
        seeds = List.copyOf(seeds);
    }

    /** The WAL metadata key of partition {@code partition}'s history, stored with each compaction. */
    public static String metadataKey(int partition) {
        return METADATA_PREFIX + partition;
    }

    /** The encoding. */
    public byte[] encode() {
        int size = 1 + 4 + 4 + seeds.size() * (1 + 4 + 8);
        List<byte[]> encodedMoves = new ArrayList<>(moves.size());
        for (LoggedMove logged : moves) {
            byte[] move = logged.move().encode();
            encodedMoves.add(move);
            size += 8 + 1 + 4 + move.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).putInt(moves.size());
        for (int i = 0; i < moves.size(); i++) {
            LoggedMove logged = moves.get(i);
            out.putLong(logged.index()).put((byte) (logged.merge() ? 1 : 0)).putInt(encodedMoves.get(i).length)
                    .put(encodedMoves.get(i));
        }
        out.putInt(seeds.size());
        for (CompletedSeed seed : seeds) {
            out.put((byte) (seed.merge() ? 1 : 0)).putInt(seed.source()).putLong(seed.index());
        }
        return out.array();
    }

    /**
     * Reads {@link #encode()}'s bytes; null or none (stored by a version without histories) is the empty history.
     *
     * @throws IllegalArgumentException if the bytes are not a history of a known format
     */
    public static MoveHistory decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return EMPTY;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("not a move history (format " + bytes[0] + ")");
            }
            List<LoggedMove> moves = new ArrayList<>();
            for (int i = count(in, 8 + 1 + 4); i > 0; i--) {
                long index = in.getLong();
                boolean merge = kind(in.get());
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IllegalArgumentException("a move entry of " + length + " bytes with " + in.remaining()
                            + " left");
                }
                byte[] move = new byte[length];
                in.get(move);
                moves.add(new LoggedMove(index, merge, MoveEntry.decode(move)));
            }
            List<CompletedSeed> seeds = new ArrayList<>();
            for (int i = count(in, 1 + 4 + 8); i > 0; i--) {
                boolean merge = kind(in.get());
                int source = in.getInt();
                seeds.add(new CompletedSeed(in.getLong(), merge, source));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the move history");
            }
            return new MoveHistory(moves, seeds);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a truncated move history of " + bytes.length + " bytes", e);
        }
    }

    private static int count(ByteBuffer in, int leastBytesEach) {
        int count = in.getInt();
        if (count < 0 || (long) count * leastBytesEach > in.remaining()) {
            throw new IllegalArgumentException("a count of " + count + " with " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static boolean kind(byte kind) {
        if (kind != 0 && kind != 1) {
            throw new IllegalArgumentException("unknown move kind " + kind);
        }
        return kind == 1;
    }
}
