package io.kommander.internal.partition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The seed entry of a split's new partition (a {@code SYSTEM} entry of type {@link #TYPE}): the application's state
 * of the moved keys, produced by the source's replicas at the split entry, which every replica of the new partition
 * absorbs at this entry's index, before any write. Encoded as a format byte, the source, the split entry's index
 * and the state's bytes.
 *
 * @param source      the partition that was split
 * @param sourceIndex the index of the split entry in the source's log
 * @param state       what {@code IRaftStateMachineTransfer.produceRangeSnapshot} returned
 */
public record SeedEntry(int source, long sourceIndex, byte[] state) {

    /** The entry's type string; the {@code kommander.} prefix is the library's own. */
    public static final String TYPE = ReservedTypes.PREFIX + "partition.seed";

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
