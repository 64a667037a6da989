package io.kommander.internal.partition;

import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import java.util.ArrayList;
import java.util.List;

/**
 * The state machine's view of one partition's log: its bounds, the term of every retained index, and a cache of
 * recent entries. Entries older than the cache are read from the WAL by the host when a lagging follower needs
 * them. Mirrors exactly what the WAL will hold once every submitted write completes.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class PartitionLog {

    private LogPosition compacted = LogPosition.ZERO;
    private final TermRuns terms = new TermRuns();
    private final LogBytes bytes = new LogBytes();
    private long lastIndex;
    private long lastTerm;
    /** cache.get(i) has index cacheStart + i; the cache always ends at lastIndex. */
    private final ArrayList<LogEntry> cache = new ArrayList<>();
    private long cacheStart = 1;
    /** The cached entries' size estimates, summed. */
    private long cacheBytes;

    /** Sets the compaction point of an empty log (restore). */
    void resetTo(LogPosition position) {
        compacted = position;
        lastIndex = position.index();
        lastTerm = position.term();
        clearCache(lastIndex + 1);
        terms.truncateAfter(-1);
        bytes.clear();
    }

    LogPosition compacted() {
        return compacted;
    }

    long firstIndex() {
        return compacted.index() + 1;
    }

    long lastIndex() {
        return lastIndex;
    }

    long lastTerm() {
        return lastTerm;
    }

    long cacheStart() {
        return cacheStart;
    }

    /** The term at {@code index}: 0 for index 0, the compaction term at the compaction point, -1 if unknown. */
    long termAt(long index) {
        if (index == compacted.index()) {
            return compacted.term();
        }
        if (index < compacted.index() || index > lastIndex) {
            return index == 0 ? 0 : -1;
        }
        return terms.termAt(index);
    }

    /** The first index of the run of equal terms containing {@code index}. */
    long termRunStart(long index) {
        return Math.max(firstIndex(), terms.runStart(index));
    }

    /**
     * Where a leader should probe back to after this log refused its anchor {@code prevIndex}: the last index if the
     * log is shorter, else just before the run of equal terms holding {@code prevIndex} (one round trip per term,
     * not per entry), never below {@code commitIndex} (the committed prefix matches every leader's) and always below
     * {@code prevIndex}.
     */
    long rejectionHint(long prevIndex, long commitIndex) {
        long hint = prevIndex > lastIndex ? lastIndex : Math.max(commitIndex, termRunStart(prevIndex) - 1);
        return Math.min(hint, prevIndex - 1);
    }

    /**
     * The index of the first of {@code entries} (contiguous, ascending) that this log does not hold: the first whose
     * term differs from the log's at its index, or the first past the last index; 0 if the log holds them all.
     * Entries from there on replace the log's suffix (a conflict) or extend it.
     */
    long findConflict(List<LogEntry> entries) {
        for (LogEntry entry : entries) {
            if (entry.index() > lastIndex || termAt(entry.index()) != entry.term()) {
                return entry.index();
            }
        }
        return 0;
    }

    /** Appends entries that follow the last index. */
    void append(List<LogEntry> entries) {
        // By index, not an iterator: every append of every replica runs this, and the iterator was not elided.
        for (int i = 0, n = entries.size(); i < n; i++) {
            LogEntry entry = entries.get(i);
            if (entry.index() != lastIndex + 1) {
                throw new IllegalStateException("non-contiguous append: " + entry.index() + " after " + lastIndex);
            }
            int size = entry.sizeEstimate();
            terms.append(entry.index(), entry.term());
            bytes.append(entry.index(), size);
            cache.add(entry);
            cacheBytes += size;
            lastIndex = entry.index();
            lastTerm = entry.term();
        }
    }

    /** Appends an entry read during restore; only its term is recorded unless {@code keep} asks to cache it. */
    void appendRestored(LogEntry entry, boolean keep) {
        if (entry.index() != lastIndex + 1) {
            throw new IllegalStateException("non-contiguous restore: " + entry.index() + " after " + lastIndex);
        }
        terms.append(entry.index(), entry.term());
        bytes.append(entry.index(), entry.sizeEstimate());
        lastIndex = entry.index();
        lastTerm = entry.term();
        if (keep) {
            cache.add(entry);
            cacheBytes += entry.sizeEstimate();
        } else {
            clearCache(lastIndex + 1);
        }
    }

    /** Drops every entry after {@code index}. */
    void truncateAfter(long index) {
        if (index >= lastIndex) {
            return;
        }
        terms.truncateAfter(index);
        bytes.truncateAfter(index);
        if (index < cacheStart) {
            clearCache(index + 1);
        } else {
            dropCached(cache.subList((int) (index - cacheStart + 1), cache.size()));
        }
        lastIndex = index;
        lastTerm = termAt(index);
    }

    /** The cached entry at {@code index}, or null if it is not in the cache. */
    LogEntry entry(long index) {
        if (index < cacheStart || index > lastIndex) {
            return null;
        }
        return cache.get((int) (index - cacheStart));
    }

    /**
     * Up to {@code maxCount} entries from {@code from}, stopping after {@code maxBytes} (at least one entry), or
     * null if {@code from} is not cached.
     */
    List<LogEntry> entries(long from, int maxCount, long maxBytes) {
        if (from > lastIndex) {
            return List.of();
        }
        if (from < cacheStart) {
            return null;
        }
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= lastIndex && result.size() < maxCount; i++) {
            LogEntry entry = cache.get((int) (i - cacheStart));
            if (!result.isEmpty() && bytes + entry.sizeEstimate() > maxBytes) {
                break;
            }
            bytes += entry.sizeEstimate();
            result.add(entry);
        }
        return result;
    }

    /** Evicts cached entries at or below {@code index}. */
    void evictThrough(long index) {
        if (index < cacheStart) {
            return;
        }
        int drop = (int) Math.min(cache.size(), index - cacheStart + 1);
        dropCached(cache.subList(0, drop));
        cacheStart += drop;
    }

    private void dropCached(List<LogEntry> dropped) {
        for (LogEntry entry : dropped) {
            cacheBytes -= entry.sizeEstimate();
        }
        dropped.clear();
    }

    private void clearCache(long start) {
        cache.clear();
        cacheBytes = 0;
        cacheStart = start;
    }

    /** The cached entries' size estimates, summed. */
    long cacheBytes() {
        return cacheBytes;
    }

    /** Evicts the cached entries at or below {@code appliedIndex} and, if none is left, the cache's storage too. */
    void releaseCache(long appliedIndex) {
        evictThrough(appliedIndex);
        if (cache.isEmpty()) {
            cache.trimToSize();
        }
    }

    /**
     * Keeps in the cache every entry after {@code appliedIndex} (not yet delivered) and, beyond those, the newest
     * applied entries, which serve followers without WAL reads: at most {@code cacheEntries} of them, and no more
     * than keep the whole cache within {@code maxBytes}; evicts the rest.
     */
    void trimCache(long appliedIndex, int cacheEntries, long maxBytes) {
        long keepFrom = Math.min(appliedIndex + 1, lastIndex - cacheEntries + 1);
        evictThrough(keepFrom - 1);
        int drop = 0;
        long bytes = cacheBytes;
        while (bytes > maxBytes && drop < cache.size() && cacheStart + drop <= appliedIndex) {
            bytes -= cache.get(drop).sizeEstimate();
            drop++;
        }
        evictThrough(cacheStart + drop - 1);
    }

    /**
     * The highest index (in steps of {@link LogBytes#STEP}) below which at least {@code retained} bytes of entries
     * lie up to {@code upTo}; 0 if the log does not hold that many.
     */
    long keepingBytesBefore(long upTo, long retained) {
        return bytes.keepingBytesBefore(upTo, retained);
    }

    /** Records a compaction of the WAL up to {@code position}. */
    void compactedTo(LogPosition position) {
        if (position.index() <= compacted.index()) {
            return;
        }
        compacted = position;
        terms.dropThrough(position.index());
        bytes.dropThrough(position.index());
        evictThrough(position.index());
    }
}
