package io.kommander.bench.cli;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.report.ChartWriter;
import io.kommander.bench.report.JsonReport;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The {@code --json} and {@code --chart} options, and writing what they ask for. */
public final class ReportOptions {

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also draw throughput and p99 per system (SVG).")
    Path chart;

    /** Writes the files asked for. */
    void write(String title, List<RunResult> runs) throws IOException {
        if (json != null) {
            JsonReport.write(json, runs);
        }
        if (chart != null) {
            ChartWriter.write(chart, title, runs);
        }
    }
}
