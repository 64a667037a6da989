package io.kommander.bench.moves;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@code moves} run measured.
 *
 * @param nodes       nodes, all in this JVM
 * @param partitions  routed user partitions at the start
 * @param clients     client threads, one write in flight each
 * @param phases      before, split, after, merge, final
 * @param splitMillis from asking for the split until node 0's map showed both halves ACTIVE
 * @param mergeMillis from asking for the merge until node 0's map showed the merged-away half REMOVED
 * @param errors      writes whose outcome was unknown, over the whole run, by status (or exception)
 * @param check       the exactly-once check
 * @param loadAverage the machine's one-minute load average at the end
 */
public record MovesResult(int nodes, int partitions, int clients, List<PhaseResult> phases, long splitMillis,
                          long mergeMillis, Map<String, Long> errors, ExactlyOnce check, double loadAverage) {

    /** Whether every acknowledged write was found exactly once where it belongs on every node. */
    public boolean exactlyOnce() {
        return check.passed();
    }

    /** One JSON object. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"nodes\": %d, \"partitions\": %d, \"clients\": %d, "
                        + "\"wal\": \"RocksDbWAL\", \"transport\": \"NettyTransport\", \"phases\": [%s], "
                        + "\"splitMillis\": %d, \"mergeMillis\": %d, \"errorsByStatus\": {%s}, \"acknowledged\": %d, "
                        + "\"exactlyOnce\": %b, "
                        + "\"violations\": %d, \"loadAverage\": %.2f}",
                nodes, partitions, clients, phases.stream().map(PhaseResult::toJson).collect(Collectors.joining(", ")),
                splitMillis, mergeMillis, errors.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", ")),
                check.acknowledged(), check.passed(), check.violations(), loadAverage);
    }
}
