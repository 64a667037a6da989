package io.kommander.bench.report;

import io.kommander.bench.load.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes results as {@code {"runs":[{"system":..., "nodes":..., ...}]}}: the fields of the format, then the
 * in-flight count, CPU, writes acknowledged in the measured phase, the {@link io.kommander.bench.load.Verdict}
 * ({@code result}) and where the nodes ran ({@code jvms}: {@code one} or {@code per-node}). Hand-written to keep the bench free of a JSON library; every value is a number, a
 * boolean or a system name.
 */
public final class JsonReport {

    private JsonReport() {
    }

    /** The JSON text for the results. */
    public static String render(List<RunResult> runs) {
        return runs.stream().map(JsonReport::run).collect(Collectors.joining(",\n    ", "{\"runs\":[\n    ",
                "\n]}\n"));
    }

    /** Writes the JSON text to a file. */
    public static void write(Path file, List<RunResult> runs) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(runs), StandardCharsets.UTF_8);
    }

    private static String run(RunResult r) {
        return String.format(Locale.ROOT, "{\"system\":%s,\"nodes\":%d,\"partitions\":%d,\"payload\":%d,"
                        + "\"clients\":%d,\"throughput\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
                        + "\"errors\":%d,\"verified\":%b,\"inflight\":%d,\"cpu_percent\":%.1f,\"acknowledged\":%d,"
                        + "\"result\":%s,\"jvms\":%s}",
                quote(r.system()), r.nodes(), r.partitions(), r.payload(), r.clients(), r.throughput(), r.p50Ms(),
                r.p99Ms(), r.p999Ms(), r.errors(), r.verified(), r.inflight(), r.cpuPercent(), r.acknowledged(),
                quote(r.verdict().reportName()), quote(r.jvms()));
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
