package io.kommander.internal.partition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The state of moved keys, carried into the partition that takes them (a {@code SYSTEM} entry): the application's
 * state of the keys, produced by the source's replicas at its {@link MoveEntry}, which every replica of the taking
 * partition absorbs at this entry's index. Of type {@link #TYPE} in a split's new partition (before any write), of
 * type {@link #MERGE_TYPE} in a merge's survivor. Encoded as a format byte, the source, the move entry's index and
 * the state's bytes.
 *
 * @param source      the partition the keys left (a split's source, a merge's adjacent partition)
 * @param sourceIndex the index of the move entry in the source's log
 * @param state       what {@code IRaftStateMachineTransfer.produceRangeSnapshot} returned
 */
public record SeedEntry(int source, long sourceIndex, byte[] state) {

    /** The entry's type string; the {@code kommander.} prefix is the library's own. */
    public static final String TYPE = ReservedTypes.PREFIX + "partition.seed";
    /** The type string of a merge's seed, in the survivor's log. */
    public static final String MERGE_TYPE = ReservedTypes.PREFIX + "partition.absorb";

    private static final byte FORMAT = 1;

    /** The entry's payload. */
    public byte[] encode() {
        return ByteBuffer.allocate(1 + 4 + 8 + state.length).put(FORMAT).putInt(source).putLong(sourceIndex)
                .put(state).array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a seed entry of a known format
     */
    public static SeedEntry decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("not a seed entry");
            }
            int source = in.getInt();
            long sourceIndex = in.getLong();
            byte[] state = new byte[in.remaining()];
            in.get(state);
            return new SeedEntry(source, sourceIndex, state);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated seed entry", e);
        }
    }
}
