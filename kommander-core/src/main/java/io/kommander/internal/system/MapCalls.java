package io.kommander.internal.system;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The partitions that callers' map calls made or kept, as partition 0's log applied them: a call (its node's endpoint
 * and call number, the same for every attempt) names the partition its first applied create made, the new half its
 * split began, or the survivor its merge began. An attempt retried against a new partition 0 leader after the first
 * one committed is then a repeat: a create changes nothing and answers that partition, instead of creating a second
 * one; a split or merge answers once the first attempt's move finished, instead of being refused because the map
 * moved on (a leader's own memory of the calls it took, in {@link PartitionMapService}, is lost with its leadership).
 *
 * <p>Derived from partition 0's log alone, in commit order, and partition 0's log is never compacted: every node,
 * a restart's replay and a joining node hold the same calls. The last {@value #KEPT} are kept; a call's retries end
 * within its timeout, long before that many other calls are applied. Thread-safe: applied on partition 0's
 * executor, read from any thread.
 */
final class MapCalls {

    /** How many calls are remembered. */
    static final int KEPT = 1024;

    private final Map<String, Integer> partitions = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > KEPT;
        }
    };
    /** The negative control {@code CREATE_CALLS_FORGOTTEN} (tests only): no call is remembered, of any kind. */
    private volatile boolean forgotten;

    /** The partition {@code call}'s first applied command made or kept, or null if none (or no call). */
    synchronized Integer partitionOf(String call) {
        return call == null || forgotten ? null : partitions.get(call);
    }

    /** Records that {@code call}'s command made or kept {@code partition} (applied; a null call records nothing). */
    synchronized void made(String call, int partition) {
        if (call != null && !forgotten) {
            partitions.putIfAbsent(call, partition);
        }
    }

    /** Plants "a call is not remembered", as before calls were (a negative control). */
    void plantForgotten() {
        forgotten = true;
    }
}
