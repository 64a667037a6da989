package io.kommander.internal.partition;

import io.kommander.PartitionRange;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The entry that fences a partition whose keys leave it (a {@code SYSTEM} entry), in one of two types:
 * <ul>
 *   <li>{@link #SPLIT_TYPE}, in a split's source: from its index on, the source refuses every write that names a
 *       generation below {@code fenceGeneration}, and the keys of {@code range} leave it for the new partition
 *       {@code target};</li>
 *   <li>{@link #MERGE_TYPE}, in a merge's adjacent partition: from its index on, the adjacent refuses every write,
 *       and all its keys ({@code range}, its whole range) leave it for the survivor {@code target}, whose generation
 *       once the merge finishes is {@code fenceGeneration}.</li>
 * </ul>
 * Encoded as a format byte, the target, the range's two ends and the generation, big-endian.
 *
 * @param target          the partition that takes {@code range}
 * @param range           the key-hash range that moves
 * @param fenceGeneration a split's source's generation once the split finishes, or a merge's survivor's once the
 *                        merge finishes
 */
public record MoveEntry(int target, PartitionRange range, long fenceGeneration) {

    /** The type string of a split entry; the {@code kommander.} prefix is the library's own. */
    public static final String SPLIT_TYPE = ReservedTypes.PREFIX + "partition.split";
    /** The type string of a merge entry. */
    public static final String MERGE_TYPE = ReservedTypes.PREFIX + "partition.merge";

    private static final byte FORMAT = 1;

    /** The entry's payload. */
    public byte[] encode() {
        return ByteBuffer.allocate(1 + 4 + 16 + 8).put(FORMAT).putInt(target).putLong(range.first())
                .putLong(range.last()).putLong(fenceGeneration).array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a move entry of a known format
     */
    public static MoveEntry decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT || bytes.length != 1 + 4 + 16 + 8) {
                throw new IllegalArgumentException("not a move entry");
            }
            return new MoveEntry(in.getInt(), new PartitionRange(in.getLong(), in.getLong()), in.getLong());
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated move entry", e);
        }
    }
}
