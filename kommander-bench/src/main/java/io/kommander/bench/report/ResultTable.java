package io.kommander.bench.report;

import io.kommander.bench.load.RunResult;

import java.util.List;
import java.util.Locale;

/**
 * Formats results as a fixed-width table for the terminal, or as a Markdown table. The result column is the
 * {@link io.kommander.bench.load.Verdict}: {@code pass}, or in capitals why the run is not a clean pass.
 */
public final class ResultTable {

    private static final String[] HEADER = {"system", "nodes", "parts", "payload", "clients x inflight", "ops/s",
        "p50 ms", "p99 ms", "p99.9 ms", "errors", "verified", "result", "cpu %", "jvms"};

    private ResultTable() {
    }

    /** A fixed-width table. */
    public static String text(List<RunResult> runs) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%-10s %5s %5s %7s %18s %10s %8s %8s %9s %6s %8s %10s %6s %8s%n", (Object[]) HEADER));
        for (RunResult r : runs) {
            out.append(String.format(Locale.ROOT, "%-10s %5d %5d %7d %18s %10.0f %8.2f %8.2f %9.2f %6d %8s %10s %6.0f %8s%n",
                    (Object[]) cells(r)));
        }
        return out.toString();
    }

    /** A Markdown table. */
    public static String markdown(List<RunResult> runs) {
        StringBuilder out = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n");
        out.append("|---".repeat(HEADER.length)).append("|\n");
        for (RunResult r : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %.0f | %.2f | %.2f | %.2f | %d | %s | %s | %.0f | %s |%n",
                    (Object[]) cells(r)));
        }
        return out.toString();
    }

    private static Object[] cells(RunResult r) {
        return new Object[] {r.system(), r.nodes(), r.partitions(), r.payload(), r.clients() + " x " + r.inflight(),
            r.throughput(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.errors(), r.verified() ? "yes" : "NO",
            r.passed() ? "pass" : r.verdict().reportName().toUpperCase(Locale.ROOT), r.cpuPercent(), r.jvms()};
    }
}
