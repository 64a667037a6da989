package io.kommander.internal.partition;

import io.kommander.PartitionRange;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The split entry of a partition's log (a {@code SYSTEM} entry of type {@link #TYPE}): from its index on, the
 * partition refuses every write that names a generation below {@code fenceGeneration}, and the keys of
 * {@code range} leave it for partition {@code target}. Encoded as a format byte, the target, the range's two ends
 * and the fence generation, big-endian.
 *
 * @param target          the new partition that takes {@code range}
 * @param range           the key-hash range that moves
 * @param fenceGeneration the source's generation once the split finishes
 */
public record SplitEntry(int target, PartitionRange range, long fenceGeneration) {

    /** The entry's type string; the {@code kommander.} prefix is the library's own. */
    public static final String TYPE = ReservedTypes.PREFIX + "partition.split";

    private static final byte FORMAT = 1;

    /** The entry's payload. */
    public byte[] encode() {
        return ByteBuffer.allocate(1 + 4 + 16 + 8).put(FORMAT).putInt(target).putLong(range.first())
                .putLong(range.last()).putLong(fenceGeneration).array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a split entry of a known format
     */
    public static SplitEntry decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT || bytes.length != 1 + 4 + 16 + 8) {
                throw new IllegalArgumentException("not a split entry");
            }
            return new SplitEntry(in.getInt(), new PartitionRange(in.getLong(), in.getLong()), in.getLong());
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated split entry", e);
        }
    }
}
