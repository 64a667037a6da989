package io.kommander.bench;

import io.kommander.bench.load.BenchRunner;
import io.kommander.bench.load.LiveSample;
import io.kommander.bench.load.RunResult;
import io.kommander.bench.load.Workload;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.ratis.RatisTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class KommanderRunTest {

    private static BenchSystem kommander() {
        return SystemKind.KOMMANDER.create(RatisTransport.NETTY, JvmMode.ONE);
    }

    @Test
    void aShortRunMeasuresAndVerifiesAcknowledgedWrites(@TempDir Path dir) throws Exception {
        List<LiveSample> samples = new CopyOnWriteArrayList<>();
        Workload workload = new Workload(4, 128, 2, 4, Duration.ofSeconds(2), Duration.ofSeconds(1), 0);

        RunResult result = new BenchRunner(dir, 3, Duration.ofSeconds(30)).run(KommanderRunTest::kommander, workload,
                samples::add);

        assertThat(result.system()).isEqualTo("kommander");
        assertThat(result.verified()).isTrue();
        assertThat(result.throughput()).isPositive();
        assertThat(result.p50Ms()).isPositive().isLessThanOrEqualTo(result.p99Ms());
        assertThat(result.p99Ms()).isLessThanOrEqualTo(result.p999Ms());
        assertThat(samples).extracting(LiveSample::measuring).contains(false, true);
    }

    @Test
    void theFixedRateModeIssuesAboutTheScheduledNumberOfWrites(@TempDir Path dir) throws Exception {
        Workload workload = new Workload(2, 64, 2, 8, Duration.ofSeconds(2), Duration.ZERO, 500);

        RunResult result = new BenchRunner(dir, 3, Duration.ofSeconds(30)).run(KommanderRunTest::kommander, workload,
                sample -> { });

        assertThat(result.verified()).isTrue();
        assertThat(result.throughput()).isBetween(250.0, 750.0);
    }
}
