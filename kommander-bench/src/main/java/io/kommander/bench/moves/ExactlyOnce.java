package io.kommander.bench.moves;

import io.kommander.PartitionMap;
import io.kommander.bench.system.BoundedWait;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The end check of a {@code moves} run: on every node, every acknowledged key is applied exactly once, in exactly one
 * partition, the one that owns its key in that node's map.
 *
 * @param acknowledged keys whose write was acknowledged
 * @param violations   (node, key) pairs that break it
 * @param examples     a few of them, described
 */
public record ExactlyOnce(int acknowledged, int violations, List<String> examples) {

    private static final int EXAMPLES = 5;

    /** Whether the check passed. */
    public boolean passed() {
        return violations == 0;
    }

    /** One line for people. */
    public String describe() {
        return passed()
                ? String.format(Locale.ROOT, "exactly once: every one of %d acknowledged writes is applied once, "
                        + "in the partition that owns its key, on every node", acknowledged)
                : String.format(Locale.ROOT, "EXACTLY-ONCE CHECK FAILED: %d violations over %d acknowledged writes, "
                        + "e.g. %s", violations, acknowledged, examples);
    }

    /**
     * Checks every node once each has applied every acknowledged key (followers may lag the acknowledgement), or
     * after {@code timeoutMillis} whatever they hold then.
     */
    static ExactlyOnce check(MovesCluster cluster, Set<String> acknowledged, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int violations = 0;
        List<String> examples = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
            KeyedStore store = cluster.store(n);
            BoundedWait.until(() -> acknowledged.stream().allMatch(k -> !store.appliedCounts(k).isEmpty()),
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), 10);
            PartitionMap map = cluster.node(n).getPartitionMap();
            for (String key : acknowledged) {
                Map<Integer, Integer> counts = store.appliedCounts(key);
                int owner = map.ownerOfKey(key).orElseThrow().id();
                if (!counts.equals(Map.of(owner, 1))) {
                    violations++;
                    if (examples.size() < EXAMPLES) {
                        examples.add("node " + n + " key " + key + " owned by " + owner + " applied " + counts);
                    }
                }
            }
        }
        return new ExactlyOnce(acknowledged.size(), violations, List.copyOf(examples));
    }
}
