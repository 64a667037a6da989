package io.kommander.wal.rocksdb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which value log segments hold payloads that entries may still point to. Per segment and partition it keeps the
 * highest index whose payload was written to the segment and the end of the furthest byte written for the partition
 * there (the {@code 'V'} records of the state column family, written in the same RocksDB batch as the pointers).
 *
 * <p>A partition's entries are appended in index order and each append goes to the end of the newest segment, so
 * every entry of the partition in a segment has an index at or below that highest index. Once the partition's
 * compaction point reaches it, none of them is retained and the partition releases the segment; a segment no
 * partition holds is dead and can be deleted whole. Chosen over a live count per segment because it needs one small
 * record per partition and segment, not one update per entry, and it survives a restart as it is. The cost: entries
 * removed by a suffix truncation keep their segment until compaction passes their old index (a snapshot boundary
 * install, which drops all of a partition's entries, releases the partition's segments at once).
 *
 * <p>Not thread-safe: used under the WAL's writer lock, and by recovery before the WAL is shared.
 */
final class SegmentReferences {

    /** The highest index of a partition written to a segment, and the end of its furthest payload there. */
    record Reference(long highestIndex, long end) {

        Reference merge(Reference later) {
            return new Reference(Math.max(highestIndex, later.highestIndex), Math.max(end, later.end));
        }
    }

    private final TreeMap<Long, Map<Integer, Reference>> bySegment = new TreeMap<>();

    /** Records that {@code partition} wrote a payload ending at {@code reference.end()} to {@code segment}. */
    void add(long segment, int partition, Reference reference) {
        bySegment.computeIfAbsent(segment, s -> new HashMap<>()).merge(partition, reference, Reference::merge);
    }

    /** The partition's reference to {@code segment}, or null. */
    Reference get(long segment, int partition) {
        Map<Integer, Reference> partitions = bySegment.get(segment);
        return partitions == null ? null : partitions.get(partition);
    }

    /** Every reference to {@code segment}, by partition; empty if none. */
    Map<Integer, Reference> of(long segment) {
        return bySegment.getOrDefault(segment, Map.of());
    }

    /** The segments some partition still holds, ascending. */
    List<Long> segments() {
        return new ArrayList<>(bySegment.keySet());
    }

    /** Releases the partition's segments whose entries are all at or below {@code compactedIndex}. */
    void release(int partition, long compactedIndex) {
        bySegment.values().removeIf(partitions -> {
            Reference reference = partitions.get(partition);
            if (reference != null && reference.highestIndex() <= compactedIndex) {
                partitions.remove(partition);
            }
            return partitions.isEmpty();
        });
    }

    /** The segments the partition holds, ascending. */
    List<Long> heldBy(int partition) {
        List<Long> held = new ArrayList<>();
        bySegment.forEach((segment, partitions) -> {
            if (partitions.containsKey(partition)) {
                held.add(segment);
            }
        });
        return held;
    }

    /** Releases every segment the partition holds. */
    void forget(int partition) {
        bySegment.values().removeIf(partitions -> {
            partitions.remove(partition);
            return partitions.isEmpty();
        });
    }

    /** Whether some partition still holds {@code segment}. */
    boolean isHeld(long segment) {
        return bySegment.containsKey(segment);
    }
}
