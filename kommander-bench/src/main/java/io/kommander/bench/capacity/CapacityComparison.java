package io.kommander.bench.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The {@code capacity} verdict: for each {@link Measure}, the mean per-node share in the larger cluster over the one
 * in the smaller. Each write costs the same R replicas' work whatever the cluster's size, so spreading it over twice
 * the nodes should halve each node's share: the target ratio is {@code small.nodes() / large.nodes()} (0.5 for 3 and
 * 6 nodes), and a judged measure passes when its ratio is at most the target plus {@code tolerance}. Both runs must
 * also have verified. Immutable.
 *
 * @param small     the smaller cluster's run
 * @param large     the larger cluster's run
 * @param tolerance how far above the target a ratio may be and still pass
 */
public record CapacityComparison(ClusterRun small, ClusterRun large, double tolerance) {

    /** One measure's comparison. */
    public record Ratio(Measure measure, double smallMean, double largeMean, double ratio, double maxRatio,
                        boolean passed) {
    }

    /** The ratio each share should reach: the smaller cluster's size over the larger's. */
    public double target() {
        return (double) small.nodes() / large.nodes();
    }

    /** Every measure's comparison, in {@link Measure} order. */
    public List<Ratio> ratios() {
        List<Ratio> ratios = new ArrayList<>();
        for (Measure measure : Measure.values()) {
            double smallMean = small.meanShare(measure);
            double largeMean = large.meanShare(measure);
            double ratio = ratio(largeMean, smallMean);
            double maxRatio = ratio(large.maxShare(measure), small.maxShare(measure));
            ratios.add(new Ratio(measure, smallMean, largeMean, ratio, maxRatio,
                    !measure.judged() || ratio <= target() + tolerance));
        }
        return ratios;
    }

    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? (numerator == 0 ? 1 : Double.POSITIVE_INFINITY) : numerator / denominator;
    }

    /** Whether both runs verified and every judged measure passed. */
    public boolean passed() {
        return small.verified() && large.verified() && ratios().stream().allMatch(Ratio::passed);
    }

    /** The per-node table of both runs, then one verdict line per measure. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (ClusterRun run : List.of(small, large)) {
            out.append(String.format(Locale.ROOT, "%d nodes: %d writes acknowledged in %.1f s (%.0f/s, p99 %.1f ms, "
                            + "%d errors, %d attempts retried in the whole run), verified %b, placement stable %b, "
                            + "settled in %d ms, load %.2f%n",
                    run.nodes(), run.acknowledged(), run.seconds(), run.throughput(), run.p99Millis(), run.errors(),
                    run.retried(), run.verified(), run.placementStable(), run.settleMillis(), run.loadAverage()));
            out.append(String.format(Locale.ROOT, "  %-6s", "node"));
            for (Measure measure : Measure.values()) {
                out.append(String.format(Locale.ROOT, " %14s", measure.label()));
            }
            out.append(String.format(Locale.ROOT, " %8s %6s%n", "leads p0", "stale"));
            for (NodeWindow window : run.windows()) {
                out.append(String.format(Locale.ROOT, "  %-6d", window.node()));
                for (Measure measure : Measure.values()) {
                    out.append(String.format(Locale.ROOT, " %14.2f", run.share(measure, window)));
                }
                out.append(String.format(Locale.ROOT, " %8s %6d%n", window.leadsSystem() ? "yes" : "",
                        window.staleReplicas()));
            }
            out.append(String.format(Locale.ROOT, "  %-6s", "mean"));
            for (Measure measure : Measure.values()) {
                out.append(String.format(Locale.ROOT, " %14.2f", run.meanShare(measure)));
            }
            out.append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, "mean share per node at %d nodes over %d nodes (target %.2f, pass at "
                + "<= %.2f):%n", large.nodes(), small.nodes(), target(), target() + tolerance));
        for (Ratio ratio : ratios()) {
            out.append(String.format(Locale.ROOT, "  %-7s %-15s %10.2f -> %10.2f  ratio %.3f (largest node's: "
                            + "%.3f)%n", ratio.measure().judged() ? (ratio.passed() ? "PASS" : "MISS") : "info",
                    ratio.measure().label(), ratio.smallMean(), ratio.largeMean(), ratio.ratio(), ratio.maxRatio()));
        }
        return out.toString();
    }

    /** One JSON object: both runs with their nodes' shares, the ratios and the verdict. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"target\": %.4f, \"tolerance\": %.4f, \"passed\": %b, \"runs\": [%s], "
                        + "\"ratios\": {%s}}", target(), tolerance, passed(),
                List.of(small, large).stream().map(CapacityComparison::runJson).collect(Collectors.joining(", ")),
                ratios().stream().map(CapacityComparison::ratioJson).collect(Collectors.joining(", ")));
    }

    private static String runJson(ClusterRun run) {
        return String.format(Locale.ROOT, "{\"nodes\": %d, \"partitions\": %d, \"acknowledged\": %d, "
                        + "\"seconds\": %.3f, \"throughput\": %.1f, \"errors\": %d, \"retried\": %d, \"p99_ms\": %.3f, "
                        + "\"verified\": %b, \"placement_stable\": %b, \"settle_ms\": %d, \"load_average\": %.2f, "
                        + "\"per_node\": [%s], \"mean\": {%s}}",
                run.nodes(), run.partitions(), run.acknowledged(), run.seconds(), run.throughput(), run.errors(),
                run.retried(), run.p99Millis(), run.verified(), run.placementStable(), run.settleMillis(),
                run.loadAverage(),
                run.windows().stream().map(w -> nodeJson(run, w)).collect(Collectors.joining(", ")),
                shares(m -> run.meanShare(m)));
    }

    private static String nodeJson(ClusterRun run, NodeWindow window) {
        return String.format(Locale.ROOT, "{\"node\": %d, \"leads_partition_0\": %b, \"partitions_hosted\": %d, "
                        + "\"stale_replicas\": %d, "
                        + "\"cpu_ns\": %d, \"synced_bytes\": %d, \"wal_writes\": %d, \"messages_sent\": %d, "
                        + "\"frames_sent\": %d, \"sent_bytes\": %d, %s}", window.node(), window.leadsSystem(),
                window.partitionsHosted(), window.staleReplicas(),
                window.cpuNanos(), window.syncedBytes(), window.walWrites(), window.messagesSent(),
                window.framesSent(), window.transportBytesSent(), shares(m -> run.share(m, window)));
    }

    private static String shares(ToDoubleFunction<Measure> share) {
        List<String> fields = new ArrayList<>();
        for (Measure measure : Measure.values()) {
            fields.add(String.format(Locale.ROOT, "\"%s\": %.4f", measure.jsonName(), share.applyAsDouble(measure)));
        }
        return String.join(", ", fields);
    }

    private static String ratioJson(Ratio ratio) {
        return String.format(Locale.ROOT, "\"%s\": {\"small_mean\": %.4f, \"large_mean\": %.4f, \"ratio\": %s, "
                        + "\"largest_node_ratio\": %s, \"judged\": %b, \"passed\": %b}", ratio.measure().jsonName(),
                ratio.smallMean(), ratio.largeMean(), number(ratio.ratio()), number(ratio.maxRatio()),
                ratio.measure().judged(), ratio.passed());
    }

    /** A ratio as JSON: null when it is infinite (the smaller cluster's share was 0). */
    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null";
    }
}
