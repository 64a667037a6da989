package io.kommander.bench.report;

import io.kommander.bench.load.RunResult;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets, judged from one run's results: Kommander's throughput against the faster peer, p99 against
 * that peer's, and 16 KiB throughput against the disk's synced-write bandwidth divided by the replica count.
 */
public final class TargetCheck {

    private TargetCheck() {
    }

    /**
     * Judges a throughput (and optionally p99) target against the faster peer among {@code runs}.
     *
     * @param name        the target's description
     * @param runs        Kommander's and the peers' results for one workload
     * @param minRatio    Kommander's throughput must be at least this multiple of the faster peer's
     * @param checkP99    whether Kommander's p99 must also be at most the faster peer's
     * @return a line stating the target as met or missed, with the ratios
     */
    public static String versusPeers(String name, List<RunResult> runs, double minRatio, boolean checkP99) {
        Optional<RunResult> kommander = runs.stream().filter(r -> r.system().equals("kommander")).findFirst();
        Optional<RunResult> peer = runs.stream().filter(r -> !r.system().equals("kommander"))
                .max(java.util.Comparator.comparingDouble(RunResult::throughput));
        if (kommander.isEmpty() || peer.isEmpty()) {
            return name + ": not measured";
        }
        RunResult k = kommander.get();
        RunResult p = peer.get();
        double ratio = p.throughput() == 0 ? Double.POSITIVE_INFINITY : k.throughput() / p.throughput();
        boolean met = ratio >= minRatio && k.passed();
        String line = String.format(Locale.ROOT, "%s: throughput %.2fx %s (need >= %.1fx)", name, ratio, p.system(),
                minRatio);
        if (checkP99) {
            double p99Ratio = p.p99Ms() == 0 ? Double.POSITIVE_INFINITY : k.p99Ms() / p.p99Ms();
            met &= p99Ratio <= 1.0;
            line += String.format(Locale.ROOT, ", p99 %.2fx %s's (need <= 1.0x)", p99Ratio, p.system());
        }
        return (met ? "MET    " : "MISSED ") + line;
    }

    /**
     * Judges the large-entry target: Kommander's bytes/s at least {@code minFraction} of the disk's synced-write
     * bandwidth divided by the replica count.
     */
    public static String versusDisk(String name, RunResult kommander, double diskBytesPerSecond,
                                    double minFraction) {
        double budget = diskBytesPerSecond / kommander.nodes();
        double fraction = kommander.throughput() * kommander.payload() / budget;
        boolean met = fraction >= minFraction && kommander.passed();
        return String.format(Locale.ROOT, "%s%s: %.1f MB/s = %.2f of disk/replicas (%.1f MB/s; need >= %.2f)",
                met ? "MET    " : "MISSED ", name, kommander.throughput() * kommander.payload() / 1e6, fraction,
                budget / 1e6, minFraction);
    }
}
