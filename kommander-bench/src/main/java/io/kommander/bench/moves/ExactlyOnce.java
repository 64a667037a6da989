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
     * Checks every node once it holds every acknowledged key exactly once where its map says it belongs (followers
     * may lag the acknowledgement, and a merged-away replica's state goes only when the node applies the removal), or
     * after {@code timeoutMillis} whatever it holds then.
     */
    static ExactlyOnce check(MovesCluster cluster, Set<String> acknowledged, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int violations = 0;
        List<String> examples = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
            int node = n;
            BoundedWait.until(() -> violations(cluster, node, acknowledged).isEmpty(),
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), 10);
            List<String> found = violations(cluster, node, acknowledged);
            violations += found.size();
            found.stream().limit(Math.max(0, EXAMPLES - examples.size())).forEach(examples::add);
        }
        return new ExactlyOnce(acknowledged.size(), violations, List.copyOf(examples));
    }

    /** The acknowledged keys {@code node} does not hold exactly once in the partition its map says owns them. */
    private static List<String> violations(MovesCluster cluster, int node, Set<String> acknowledged) {
        KeyedStore store = cluster.store(node);
        PartitionMap map = cluster.node(node).getPartitionMap();
        List<String> found = new ArrayList<>();
        for (String key : acknowledged) {
            Map<Integer, Integer> counts = store.appliedCounts(key);
            int owner = map.ownerOfKey(key).orElseThrow().id();
            if (!counts.equals(Map.of(owner, 1))) {
                found.add("node " + node + " key " + key + " owned by " + owner + " applied " + counts);
            }
        }
        return found;
    }
}
