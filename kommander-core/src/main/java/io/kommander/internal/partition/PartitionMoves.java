package io.kommander.internal.partition;

import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The move entries (splits, merges) and seed chunks of one replica's log, appended or not, committed or not. Like a
 * configuration, a move entry takes effect the moment it is appended (its fence holds for every write proposed after
 * it in this log) and truncating it undoes it; compaction keeps what it knew (a compacted entry was committed). What
 * compaction removes is kept durably as a {@link MoveHistory}, stored with each compaction and snapshot and restored
 * with them, so a replica rebuilt from either knows the moves its log held before it.
 *
 * <p>A move entry or a seed the log already held is a repeat ({@link #repeats}): a leader whose partition map is stale
 * can append one again long after the move finished. The rule is the log's own (an earlier entry of the same move, an
 * earlier complete sequence of the same seed), so every replica judges each entry alike, however it was rebuilt.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class PartitionMoves {

    /** One library entry of the log: its type, and the move entry or the seed chunk (without its bytes) it carries. */
    private record Held(String type, MoveEntry move, SeedEntry seed) {
    }

    /** A seed, as the log's chunks name it: a split's or a merge's, from a source partition. */
    private record SeedKey(boolean merge, int source) {

        static SeedKey of(Held chunk) {
            return new SeedKey(SeedEntry.MERGE_TYPE.equals(chunk.type()), chunk.seed().source());
        }
    }

    private final TreeMap<Long, Held> byIndex = new TreeMap<>();
    /** Seeds complete before the compaction point this replica was rebuilt from, from its {@link MoveHistory}. */
    private final Map<SeedKey, Long> completedBefore = new HashMap<>();

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

    /** Whether this log, and the history it was rebuilt from, hold no move entry and no seed. */
    public boolean isEmpty() {
        return byIndex.isEmpty() && completedBefore.isEmpty();
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
        boolean merge = SeedEntry.MERGE_TYPE.equals(type);
        if (completedBefore.keySet().stream().anyMatch(k -> k.merge() == merge && (source < 0 || k.source() == source))) {
            return true;
        }
        SeedAssembly assembly = new SeedAssembly(false);
        for (Held held : byIndex.values()) {
            if (type.equals(held.type()) && (source < 0 || held.seed().source() == source)
                    && completes(assembly, held)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code chunk} completes the sequence under way in {@code assembly}. */
    private static boolean completes(SeedAssembly assembly, Held chunk) {
        try {
            return assembly.accept(chunk.seed()) != null;
        } catch (IllegalArgumentException e) {
            return false; // a chunk that continues no sequence: the replicas' assembly refuses it as well
        }
    }

    /**
     * Whether the applied entry {@code entry} repeats a move this log held before it: a split or merge entry toward
     * the same partition as an earlier one, or a seed chunk after a complete sequence of the same seed. A repeat is
     * not delivered: the move it names happened once, at its first entry.
     */
    public boolean repeats(LogEntry entry) {
        Held held = entry.kind() == EntryKind.SYSTEM ? byIndex.get(entry.index()) : null;
        if (held == null) {
            return false;
        }
        Map<Long, Held> earlier = byIndex.headMap(entry.index(), false);
        if (held.move() != null) {
            return earlier.values().stream().anyMatch(h -> h.type().equals(held.type()) && h.move() != null
                    && h.move().target() == held.move().target());
        }
        SeedKey key = SeedKey.of(held);
        Long completed = completedBefore.get(key);
        if (completed != null && completed < entry.index()) {
            return true;
        }
        SeedAssembly assembly = new SeedAssembly(false);
        return earlier.values().stream().anyMatch(h -> h.seed() != null && SeedKey.of(h).equals(key)
                && completes(assembly, h));
    }

    /**
     * The history of this log up to {@code index} (at or below its applied index): what a compaction or a snapshot
     * there stores, for a replica rebuilt from it.
     */
    public MoveHistory history(long index) {
        List<MoveHistory.LoggedMove> moves = new ArrayList<>();
        Map<SeedKey, Long> seeds = new LinkedHashMap<>();
        completedBefore.forEach((key, at) -> {
            if (at <= index) {
                seeds.put(key, at);
            }
        });
        Map<SeedKey, SeedAssembly> assemblies = new HashMap<>();
        byIndex.headMap(index, true).forEach((at, held) -> {
            if (held.move() != null) {
                moves.add(new MoveHistory.LoggedMove(at, MoveEntry.MERGE_TYPE.equals(held.type()), held.move()));
            } else if (held.seed() != null && !seeds.containsKey(SeedKey.of(held))
                    && completes(assemblies.computeIfAbsent(SeedKey.of(held), k -> new SeedAssembly(false)), held)) {
                seeds.put(SeedKey.of(held), at);
            }
        });
        return new MoveHistory(moves, seeds.entrySet().stream().map(e -> new MoveHistory.CompletedSeed(e.getValue(),
                e.getKey().merge(), e.getKey().source())).toList());
    }

    /**
     * Learns what a history says the log held before this replica's log starts (a restore from a compaction point or
     * a snapshot, or an installed snapshot); what this replica already knows stays.
     */
    public void restore(MoveHistory history) {
        for (MoveHistory.LoggedMove logged : history.moves()) {
            byIndex.putIfAbsent(logged.index(), new Held(logged.merge() ? MoveEntry.MERGE_TYPE : MoveEntry.SPLIT_TYPE,
                    logged.move(), null));
        }
        for (MoveHistory.CompletedSeed seed : history.seeds()) {
            completedBefore.merge(new SeedKey(seed.merge(), seed.source()), seed.index(), Math::min);
        }
    }
}
