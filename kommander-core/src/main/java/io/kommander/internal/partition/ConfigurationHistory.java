package io.kommander.internal.partition;

import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations of one replica's log: the one in effect at the log's start (the compaction point), and one per
 * configuration entry after it. A configuration is in effect from the moment its entry is appended, committed or
 * not (Ongaro's thesis, 4.1); truncating the entry brings the one before it back. Compaction folds the entries it
 * removes into the start, which the WAL stores beside the compaction point ({@link #startIndex()}).
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class ConfigurationHistory {

    /** Configurations by the index of their entry; the start's key is the index it was in effect from. */
    private final TreeMap<Long, Configuration> byIndex = new TreeMap<>();

    /** Starts from {@code start}, in effect at (and from) {@code index}; forgets everything else. */
    void reset(long index, Configuration start) {
        byIndex.clear();
        byIndex.put(index, start);
    }

    /** The configuration in effect now: the latest one in the log. */
    Configuration current() {
        return byIndex.lastEntry().getValue();
    }

    /** The index of the current configuration's entry (or where the start took effect). */
    long currentIndex() {
        return byIndex.lastKey();
    }

    /** The index where the first configuration still known took effect. */
    long startIndex() {
        return byIndex.firstKey();
    }

    /** The configuration in effect at {@code index}. */
    Configuration at(long index) {
        Map.Entry<Long, Configuration> entry = byIndex.floorEntry(index);
        return entry == null ? byIndex.firstEntry().getValue() : entry.getValue();
    }

    /**
     * Follows an appended entry.
     *
     * @throws IllegalArgumentException if a configuration entry's data is not a configuration
     */
    void appended(LogEntry entry) {
        if (entry.kind() == EntryKind.CONFIGURATION) {
            byIndex.put(entry.index(), Configuration.decode(entry.data()));
        }
    }

    /** The log was truncated after {@code index}: configurations appended after it are no longer in effect. */
    void truncatedAfter(long index) {
        byIndex.tailMap(index, false).clear();
        if (byIndex.isEmpty()) {
            throw new IllegalStateException("truncated below the log's start at " + index);
        }
    }

    /** The log was compacted up to {@code index}: the configuration in effect there becomes the start. */
    void compactedTo(long index) {
        Map.Entry<Long, Configuration> inEffect = byIndex.floorEntry(index);
        if (inEffect != null && inEffect.getKey() > byIndex.firstKey()) {
            byIndex.headMap(inEffect.getKey(), false).clear();
        }
    }

    /** Whether a configuration entry after {@code commitIndex} is in the log: a change is still in flight. */
    boolean changePendingAbove(long commitIndex) {
        return byIndex.lastKey() > commitIndex;
    }

    /** How many configuration entries are after {@code commitIndex}: at most one, changes going one at a time. */
    int changesAbove(long commitIndex) {
        // Read after every drain (ReplicaView): a tail map's size() walks it, so answer the usual case, no change
        // in flight, from the last key alone.
        return byIndex.lastKey() <= commitIndex ? 0 : byIndex.tailMap(commitIndex, false).size();
    }

    /** The WAL metadata key under which the configuration at a compaction point is stored. */
    static String metadataKey(int partition) {
        return "configuration/" + partition;
    }

    /** The configuration in effect at {@code index} and where it took effect, as stored beside a compaction. */
    byte[] snapshotAt(long index) {
        Map.Entry<Long, Configuration> entry = byIndex.floorEntry(index);
        if (entry == null) {
            entry = byIndex.firstEntry();
        }
        byte[] config = entry.getValue().encode();
        return ByteBuffer.allocate(8 + config.length).putLong(entry.getKey()).put(config).array();
    }

    /**
     * Starts from a stored {@link #snapshotAt} snapshot.
     *
     * @throws IllegalArgumentException if the bytes are not such a snapshot
     */
    void restore(byte[] snapshot) {
        if (snapshot.length < 9) {
            throw new IllegalArgumentException("a stored configuration of " + snapshot.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(snapshot);
        long index = in.getLong();
        byte[] config = new byte[in.remaining()];
        in.get(config);
        reset(index, Configuration.decode(config));
    }
}
