package io.kommander.internal.session;

import io.kommander.RequestId;
import io.kommander.wal.LogEntry;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The entries with a request id that are in the log but not yet applied, so that a retry of a request whose entry
 * is on its way joins it instead of appending a second one. Followed on every replica (a new leader inherits its
 * log's unapplied entries). If two such entries carry one request id, the first is the one found: the window
 * refuses the second when it applies.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class InflightRequests {

    // Shared empty maps until the first entry with a request id: most replicas of a node never see one.
    private Map<RequestId, LogEntry> byRequest = Collections.emptyMap();
    private NavigableMap<Long, RequestId> byIndex = Collections.emptyNavigableMap();

    void appended(LogEntry entry) {
        if (entry.hasRequestId()) {
            if (!(byIndex instanceof TreeMap)) {
                byRequest = new HashMap<>();
                byIndex = new TreeMap<>();
            }
            RequestId id = new RequestId(entry.clientId(), entry.sequence());
            byIndex.put(entry.index(), id);
            byRequest.putIfAbsent(id, entry);
        }
    }

    /** Forgets the entries after {@code index} (truncated). */
    void truncatedAfter(long index) {
        if (byIndex.isEmpty()) {
            return;
        }
        NavigableMap<Long, RequestId> removed = byIndex.tailMap(index, false);
        removed.forEach(this::forget);
        removed.clear();
    }

    /** Forgets the entry at {@code index} (applied: the window answers for it from now on). */
    void applied(long index) {
        if (byIndex.isEmpty()) {
            // Every applied entry passes here, most without a request id: skip boxing the index for nothing.
            return;
        }
        RequestId id = byIndex.remove(index);
        if (id != null) {
            forget(index, id);
        }
    }

    /** The unapplied entry of {@code id}, or null. */
    LogEntry find(RequestId id) {
        return byRequest.get(id);
    }

    int size() {
        return byIndex.size();
    }

    private void forget(long index, RequestId id) {
        LogEntry entry = byRequest.get(id);
        if (entry != null && entry.index() == index) {
            byRequest.remove(id);
        }
    }
}
