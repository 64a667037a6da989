package io.kommander.bench.report;

import io.kommander.bench.load.RunResult;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws throughput (left axis) and p99 latency (right axis) per run as an SVG bar chart with XChart. A run is
 * labelled by its system, plus partitions and payload when the runs differ in them.
 */
public final class ChartWriter {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private ChartWriter() {
    }

    /** Writes the chart to {@code file} (an {@code .svg} path). */
    public static void write(Path file, String title, List<RunResult> runs) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("run").yAxisTitle("acknowledged writes/s").build();
        chart.setYAxisGroupTitle(1, "p99 latency (ms)");
        chart.getStyler().setYAxisMin(0.0);
        boolean mixed = runs.stream().map(r -> r.partitions() + "/" + r.payload()).distinct().count() > 1;
        List<String> labels = runs.stream().map(r -> mixed
                ? r.system() + " P" + r.partitions() + " " + r.payload() + "B" : r.system()).toList();
        chart.addSeries("throughput (writes/s)", labels, runs.stream().map(r -> (Number) r.throughput()).toList());
        CategorySeries p99 = chart.addSeries("p99 (ms)", labels, runs.stream().map(r -> (Number) r.p99Ms()).toList());
        p99.setYAxisGroup(1);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsFormat.SVG);
    }
}
