package io.kommander.internal.partition;

import io.kommander.wal.LogEntry;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One chunk of the state of moved keys, carried into the partition that takes them (a {@code SYSTEM} entry): the
 * application's state of the keys, produced by the source's replicas at its {@link MoveEntry}, travels as a
 * <i>sequence</i> of {@code count} chunks, each within {@code maxEntryBytes} ({@link #chunks}), which every replica
 * of the taking partition absorbs once, when the sequence's last chunk applies ({@link SeedAssembly}). Of type
 * {@link #TYPE} in a split's new partition (before any write), of type {@link #MERGE_TYPE} in a merge's survivor.
 *
 * <p>Encoded as a format byte (2), the source, the move entry's index, the sequence, the chunk's number and the
 * sequence's count of chunks, the length of the chunk's bytes and the bytes, big-endian. Format 1, the single entry
 * of earlier versions (the source, the move entry's index and the whole state), still decodes: as chunk 0 of a
 * sequence of one, numbered 0.
 *
 * @param source      the partition the keys left (a split's source, a merge's adjacent partition)
 * @param sourceIndex the index of the move entry in the source's log
 * @param sequence    names the sequence the chunk belongs to: each attempt to append the seed starts a new one
 * @param number      the chunk's place in its sequence, from 0
 * @param count       how many chunks the sequence has (at least 1)
 * @param bytes       the chunk's part of what {@code IRaftStateMachineTransfer.produceRangeSnapshot} returned
 */
public record SeedEntry(int source, long sourceIndex, long sequence, int number, int count, byte[] bytes) {

    /** The entry's type string; the {@code kommander.} prefix is the library's own. */
    public static final String TYPE = ReservedTypes.PREFIX + "partition.seed";
    /** The type string of a merge's seed, in the survivor's log. */
    public static final String MERGE_TYPE = ReservedTypes.PREFIX + "partition.absorb";
    /** The bytes of a chunk's payload before its part of the state. */
    public static final int HEADER_BYTES = 1 + 4 + 8 + 8 + 4 + 4 + 4;

    private static final byte SINGLE_FORMAT = 1;
    private static final byte FORMAT = 2;

    /**
     * Checks the chunk's place in its sequence.
     *
     * @throws IllegalArgumentException if {@code count} is below 1 or {@code number} is not in {@code [0, count)}
     */
    public SeedEntry {
        if (count < 1 || number < 0 || number >= count) {
            throw new IllegalArgumentException("seed chunk " + number + " of " + count + ": not a place in a sequence");
        }
        bytes = bytes == null ? new byte[0] : bytes;
    }

    /** The same chunk without its bytes: what a replica keeps to tell which sequences its log holds. */
    SeedEntry header() {
        return new SeedEntry(source, sourceIndex, sequence, number, count, new byte[0]);
    }

    /** Whether this chunk is the last of its sequence. */
    public boolean last() {
        return number == count - 1;
    }

    /** The entry's payload. */
    public byte[] encode() {
        return ByteBuffer.allocate(HEADER_BYTES + bytes.length).put(FORMAT).putInt(source).putLong(sourceIndex)
                .putLong(sequence).putInt(number).putInt(count).putInt(bytes.length).put(bytes).array();
    }

    /**
     * Reads {@link #encode()}'s bytes, or a format-1 single seed entry (as chunk 0 of a sequence of one).
     *
     * @throws IllegalArgumentException if they are not a seed entry of a known format, are cut short or run on
     */
    public static SeedEntry decode(byte[] payload) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            byte format = in.get();
            if (format == SINGLE_FORMAT) {
                int source = in.getInt();
                long sourceIndex = in.getLong();
                byte[] state = new byte[in.remaining()];
                in.get(state);
                return new SeedEntry(source, sourceIndex, 0, 0, 1, state);
            }
            if (format != FORMAT) {
                throw new IllegalArgumentException("not a seed entry (format " + format + ")");
            }
            int source = in.getInt();
            long sourceIndex = in.getLong();
            long sequence = in.getLong();
            int number = in.getInt();
            int count = in.getInt();
            int length = in.getInt();
            if (length != in.remaining()) {
                throw new IllegalArgumentException("seed chunk " + number + " of sequence " + sequence + " says "
                        + length + " bytes but carries " + in.remaining() + " (truncated or run on)");
            }
            byte[] bytes = new byte[length];
            in.get(bytes);
            return new SeedEntry(source, sourceIndex, sequence, number, count, bytes);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated seed entry (" + payload.length + " bytes)", e);
        }
    }

    /**
     * Cuts a seed into the chunks of one sequence, each entry (payload and {@code type}) within
     * {@code maxEntryBytes}: as many as it takes, at least one (an empty state is one empty chunk). A
     * {@code maxEntryBytes} too small for the header leaves one byte of state per chunk (the entry then exceeds it by
     * that header's bytes: no configuration that small carries anything else either).
     *
     * @param type the entry type the chunks are appended under ({@link #TYPE} or {@link #MERGE_TYPE})
     */
    public static List<SeedEntry> chunks(String type, int source, long sourceIndex, long sequence, byte[] state,
                                         int maxEntryBytes) {
        long room = maxEntryBytes - LogEntry.contentBytes(type, new byte[HEADER_BYTES]);
        int perChunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE - HEADER_BYTES, room));
        int count = (int) Math.max(1, ((long) state.length + perChunk - 1) / perChunk);
        List<SeedEntry> chunks = new ArrayList<>(count);
        for (int number = 0; number < count; number++) {
            int from = (int) Math.min(state.length, (long) number * perChunk);
            int to = (int) Math.min(state.length, (long) from + perChunk);
            chunks.add(new SeedEntry(source, sourceIndex, sequence, number, count,
                    Arrays.copyOfRange(state, from, to)));
        }
        return chunks;
    }

    /** Whether {@code other} belongs to the same sequence as this chunk (the same move, sequence and count). */
    boolean sameSequence(SeedEntry other) {
        return source == other.source && sourceIndex == other.sourceIndex && sequence == other.sequence
                && count == other.count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeedEntry other && sameSequence(other) && number == other.number
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(sequence) + number) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SeedEntry[source=" + source + ", sourceIndex=" + sourceIndex + ", sequence=" + sequence + ", chunk "
                + number + " of " + count + ", " + bytes.length + " bytes]";
    }
}
