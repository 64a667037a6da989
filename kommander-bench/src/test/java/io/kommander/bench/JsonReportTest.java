package io.kommander.bench;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.report.JsonReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonReportTest {

    @Test
    void writesTheIssuesFormatWithOneObjectPerRun() {
        RunResult kommander = new RunResult("kommander", 3, 16, 1024, 4, 16, 12345.67, 1.5, 9.25, 20.125, 61728, 0,
                true, true, 80.4, "one", "config");
        RunResult ratis = new RunResult("ratis", 3, 16, 1024, 4, 16, 100, 2, 3, 4, 500, 2, true, false, 50, "per-node",
                "config");

        String json = JsonReport.render(List.of(kommander, ratis));

        assertThat(json).isEqualTo("{\"runs\":[\n"
                + "    {\"system\":\"kommander\",\"nodes\":3,\"partitions\":16,\"payload\":1024,\"clients\":4,"
                + "\"throughput\":12345.7,\"p50_ms\":1.500,\"p99_ms\":9.250,\"p999_ms\":20.125,\"errors\":0,"
                + "\"verified\":true,\"inflight\":16,\"cpu_percent\":80.4,\"acknowledged\":61728,\"result\":\"pass\","
                + "\"jvms\":\"one\"},\n"
                + "    {\"system\":\"ratis\",\"nodes\":3,\"partitions\":16,\"payload\":1024,\"clients\":4,"
                + "\"throughput\":100.0,\"p50_ms\":2.000,\"p99_ms\":3.000,\"p999_ms\":4.000,\"errors\":2,"
                + "\"verified\":false,\"inflight\":16,\"cpu_percent\":50.0,\"acknowledged\":500,"
                + "\"result\":\"unverified\",\"jvms\":\"per-node\"}\n"
                + "]}\n");
    }
}
