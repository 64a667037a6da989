package io.kommander.internal.system;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The partitions that callers' {@code createPartition} calls created, as partition 0's log applied them: a call
 * (its node's endpoint and call number, the same for every attempt) names the partition its first applied create
 * made, so that an attempt retried against a new partition 0 leader after the first one committed is a repeat that
 * changes nothing and answers that partition, instead of creating a second one (a leader's own memory of the calls
 * it took, in {@link PartitionMapService}, is lost with its leadership).
 *
 * <p>Derived from partition 0's log alone, in commit order, and partition 0's log is never compacted: every node,
 * a restart's replay and a joining node hold the same calls. The last {@value #KEPT} are kept; a call's retries end
 * within its timeout, long before that many other creates are applied. Thread-safe: applied on partition 0's
 * executor, read from any thread.
 */
final class CreateCalls {

    /** How many created partitions are remembered by their call. */
    static final int KEPT = 1024;

    private final Map<String, Integer> partitions = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > KEPT;
        }
    };
    /** The negative control {@code CREATE_CALLS_FORGOTTEN} (tests only): no call is remembered. */
    private volatile boolean forgotten;

    /** The partition {@code call}'s first applied create made, or null if none (or no call). */
    synchronized Integer partitionOf(String call) {
        return call == null || forgotten ? null : partitions.get(call);
    }

    /** Records that {@code call}'s create made {@code partition} (applied; a null call records nothing). */
    synchronized void created(String call, int partition) {
        if (call != null && !forgotten) {
            partitions.putIfAbsent(call, partition);
        }
    }

    /** Plants "a create's call is not remembered", as before calls were (a negative control). */
    void plantForgotten() {
        forgotten = true;
    }
}
