package io.kommander;

/**
 * A contiguous range of the unsigned 64-bit key-hash space ({@link PartitionMap#hash(String)}), both ends
 * inclusive and compared as unsigned values, so that the whole space is {@code [0, 0xffffffffffffffff]}.
 * Immutable.
 *
 * @param first the lowest hash in the range
 * @param last  the highest hash in the range, not below {@code first} (unsigned)
 */
public record PartitionRange(long first, long last) {

    /** The whole hash space. */
    public static final PartitionRange ALL = new PartitionRange(0, -1L);

    /**
     * @throws IllegalArgumentException if {@code last} is below {@code first} (unsigned)
     */
    public PartitionRange {
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException("range end " + Long.toUnsignedString(last)
                    + " is below its start " + Long.toUnsignedString(first));
        }
    }

    /** Whether the range holds an (unsigned) hash. */
    public boolean contains(long hash) {
        return Long.compareUnsigned(first, hash) <= 0 && Long.compareUnsigned(hash, last) <= 0;
    }

    /** Whether the two ranges share at least one hash. */
    public boolean overlaps(PartitionRange other) {
        return Long.compareUnsigned(first, other.last) <= 0 && Long.compareUnsigned(other.first, last) <= 0;
    }

    @Override
    public String toString() {
        return "[" + Long.toUnsignedString(first) + ", " + Long.toUnsignedString(last) + "]";
    }
}
