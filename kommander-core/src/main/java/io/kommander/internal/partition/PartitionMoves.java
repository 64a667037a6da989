package io.kommander.internal.partition;

import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.List;
import java.util.TreeMap;

/**
 * The move entries (splits, merges) and seed chunks of one replica's log, appended or not, committed or not. Like a
 * configuration, a move entry takes effect the moment it is appended (its fence holds for every write proposed after
 * it in this log) and truncating it undoes it; compaction keeps what it knew (a compacted entry was committed). A
 * restart learns only the entries the WAL still holds after its compaction point.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class PartitionMoves {

    /** One library entry of the log: its type, and the move entry or the seed chunk (without its bytes) it carries. */
    private record Held(String type, MoveEntry move, SeedEntry seed) {
    }

    private final TreeMap<Long, Held> byIndex = new TreeMap<>();

    /** Follows an appended entry. */
    void appended(LogEntry entry) {
        if (entry.kind() != EntryKind.SYSTEM) {
            return;
        }
        String type = entry.logType();
        try {
            if (MoveEntry.SPLIT_TYPE.equals(type) || MoveEntry.MERGE_TYPE.equals(type)) {
                byIndex.put(entry.index(), new Held(type, MoveEntry.decode(entry.data()), null));
            } else if (SeedEntry.TYPE.equals(type) || SeedEntry.MERGE_TYPE.equals(type)) {
                // The state itself is the application's business once applied: keep the chunk's place only.
                byIndex.put(entry.index(), new Held(type, null, SeedEntry.decode(entry.data()).header()));
            }
        } catch (IllegalArgumentException e) {
            // A format this version does not know: it fences nothing here.
        }
    }

    /** The log was truncated after {@code index}. */
    void truncatedAfter(long index) {
        byIndex.tailMap(index, false).clear();
    }

    /** The highest generation a split entry of this log fences below, or 0 if it holds none. */
    public long fenceGeneration() {
        long fence = 0;
        for (Held held : byIndex.values()) {
            if (MoveEntry.SPLIT_TYPE.equals(held.type())) {
                fence = Math.max(fence, held.move().fenceGeneration());
            }
        }
        return fence;
    }

    /** Whether this log holds no move entry and no seed. */
    public boolean isEmpty() {
        return byIndex.isEmpty();
    }

    /** The partitions this log's split entries move keys to. */
    public List<Integer> splitTargets() {
        return byIndex.values().stream().filter(h -> MoveEntry.SPLIT_TYPE.equals(h.type()))
                .map(h -> h.move().target()).toList();
    }

    /** The index of this log's split or merge entry toward {@code target}, or 0 if it holds none. */
    public long moveIndex(int target) {
        return byIndex.entrySet().stream().filter(e -> e.getValue().move() != null
                && e.getValue().move().target() == target).mapToLong(java.util.Map.Entry::getKey).findFirst().orElse(0);
    }

    /** Whether this log holds a split entry toward {@code target}. */
    public boolean holdsSplitTo(int target) {
        return byIndex.values().stream().anyMatch(h -> MoveEntry.SPLIT_TYPE.equals(h.type())
                && h.move().target() == target);
    }

    /**
     * The merge entry of this log (this partition is a merge's adjacent one: it refuses every write from that
     * entry on), or null if it holds none.
     */
    public MoveEntry mergedInto() {
        if (byIndex.isEmpty()) {
            return null; // the common case, asked on every write: no stream for it
        }
        return byIndex.values().stream().filter(h -> MoveEntry.MERGE_TYPE.equals(h.type())).map(Held::move)
                .findFirst().orElse(null);
    }

    /**
     * Whether this log holds a split's whole seed: one complete sequence of its chunks (a partition is a split's new
     * half once, at its start). A sequence cut short (its leader lost the leadership half-way) is not held.
     */
    public boolean holdsSeed() {
        return holdsCompleteSeed(SeedEntry.TYPE, -1);
    }

    /** Whether this log holds a merge's whole seed from the adjacent partition {@code source} (as above). */
    public boolean holdsMergeSeedFrom(int source) {
        return holdsCompleteSeed(SeedEntry.MERGE_TYPE, source);
    }

    /** Runs the log's chunks of {@code type} (from {@code source}, or any if -1) through {@link SeedAssembly}. */
    private boolean holdsCompleteSeed(String type, int source) {
        SeedAssembly assembly = new SeedAssembly(false);
        for (Held held : byIndex.values()) {
            if (type.equals(held.type()) && (source < 0 || held.seed().source() == source)) {
                try {
                    if (assembly.accept(held.seed()) != null) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // A chunk that continues no sequence: the replicas' assembly refuses it as well.
                }
            }
        }
        return false;
    }
}
