package io.kommander.internal.system;

import io.kommander.PartitionRange;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the unsigned 64-bit hash space is split among user partitions: partition {@code i} (1-based) owns hashes
 * from {@code starts[i-1]} (inclusive) to the next start (exclusive), compared as unsigned values. The initial
 * split gives N partitions equal ranges; the system partition replicates it, so every node routes alike.
 *
 * <p>Immutable and thread-safe.
 */
public final class PartitionRanges {

    private static final int FORMAT = 1;
    private final long[] starts;

    private PartitionRanges(long[] starts) {
        this.starts = starts;
    }

    /** Equal ranges for {@code partitions} partitions. */
    public static PartitionRanges split(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1");
        }
        BigInteger space = BigInteger.ONE.shiftLeft(64);
        long[] starts = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            starts[i] = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(partitions)).longValue();
        }
        return new PartitionRanges(starts);
    }

    /** The number of user partitions. */
    public int count() {
        return starts.length;
    }

    /** The range partition {@code id} (1..count) owns. */
    public PartitionRange range(int id) {
        return new PartitionRange(starts[id - 1], id == starts.length ? -1L : starts[id] - 1);
    }

    /** The partition (1..count) that owns an unsigned hash. */
    public int partitionOf(long hash) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Long.compareUnsigned(starts[mid], hash) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    /** The partition that owns a key. */
    public int partitionOf(String key) {
        return partitionOf(KeyHash.of(key));
    }

    /** The serialized form replicated on the system partition. */
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8 * starts.length);
        buffer.putInt(FORMAT).putInt(starts.length);
        for (long start : starts) {
            buffer.putLong(start);
        }
        return buffer.array();
    }

    /**
     * Parses {@link #encode()}'s output.
     *
     * @throws IllegalArgumentException if the bytes are not a valid encoding
     */
    public static PartitionRanges decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < 8 || buffer.getInt() != FORMAT) {
            throw new IllegalArgumentException("not a partition ranges record (format " + FORMAT + ")");
        }
        int count = buffer.getInt();
        if (count < 1 || bytes.length != 8 + 8L * count) {
            throw new IllegalArgumentException("partition ranges record has a wrong length for " + count);
        }
        long[] starts = new long[count];
        for (int i = 0; i < count; i++) {
            starts[i] = buffer.getLong();
        }
        return new PartitionRanges(starts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionRanges other && Arrays.equals(starts, other.starts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(starts);
    }
}
