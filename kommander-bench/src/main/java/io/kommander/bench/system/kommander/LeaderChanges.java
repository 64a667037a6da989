package io.kommander.bench.system.kommander;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts leader changes over a cluster's partitions as the nodes report them: a partition's first leader counts,
 * and so does every different one after it; several nodes reporting the same leader count once. Thread-safe.
 */
public final class LeaderChanges {

    private final ConcurrentHashMap<Integer, String> leaders = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();

    /** Records that a node sees {@code leader} ({@code host:port}, or null if unknown) leading {@code partition}. */
    public void observe(int partition, String leader) {
        if (leader != null && !leader.equals(leaders.put(partition, leader))) {
            changes.incrementAndGet();
        }
    }

    /** Leader changes so far, over all partitions. */
    public long count() {
        return changes.get();
    }
}
