package io.kommander.wal;

import java.util.List;
import java.util.Map;

/**
 * A group of writes, usually of many partitions, that the WAL applies atomically and makes durable with one sync.
 * Writes of the same partition are applied in list order.
 *
 * @param writes   the partition writes
 * @param metadata node-level key/value pairs to store in the same atomic step (may be empty)
 */
public record WalBatch(List<PartitionWrite> writes, Map<String, byte[]> metadata) {

    /** Canonical constructor; copies the collections. */
    public WalBatch {
        writes = List.copyOf(writes);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A batch of writes with no metadata. */
    public static WalBatch of(List<PartitionWrite> writes) {
        return new WalBatch(writes, Map.of());
    }

    /** A batch of one write. */
    public static WalBatch of(PartitionWrite write) {
        return new WalBatch(List.of(write), Map.of());
    }
}
