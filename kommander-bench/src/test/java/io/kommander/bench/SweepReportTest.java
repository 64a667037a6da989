package io.kommander.bench;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.report.MachineInfo;
import io.kommander.bench.report.SweepReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SweepReportTest {

    private static SweepReport report(String target) {
        RunResult run = new RunResult("kommander", 3, 1, 64, 4, 16, 1000, 1, 2, 3, 5000, 0, true, true, 50, "one",
                "kommander: config");
        return new SweepReport(new MachineInfo(2, 1024, "jdk", "os", "abc123"), 1.5, 100e6, 200e6, "sweep --x",
                "shared machine", List.of(target), List.of(run), List.of("benchmarks/sweep-64B.svg"));
    }

    @Test
    void replacesTheGeneratedSectionAndKeepsTheHandWrittenText(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nhand-written\n");

        report("MISSED first").writeInto(file);
        report("MET second").writeInto(file);

        String text = Files.readString(file);
        assertThat(text).startsWith("# Benchmarks\n\nhand-written\n").contains("MET second", "shared machine",
                "abc123", "100.0 MB/s", "![benchmarks/sweep-64B.svg]", "kommander: config")
                .doesNotContain("MISSED first");
        assertThat(text.split(SweepReport.BEGIN, -1)).hasSize(2);
    }
}
