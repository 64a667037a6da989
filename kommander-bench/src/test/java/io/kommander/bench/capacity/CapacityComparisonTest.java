package io.kommander.bench.capacity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CapacityComparisonTest {

    /** A node of a run with 1,000 acknowledged writes. */
    private static NodeWindow node(int index, long cpuMicros, long synced, long messages, int led) {
        return new NodeWindow(index, cpuMicros * 1000, 2, 1, synced, 10, messages, messages / 4, messages * 40, led, 3, 0,
                index == 0);
    }

    private static ClusterRun run(List<NodeWindow> nodes) {
        return new ClusterRun(nodes.size(), 6, 1000, 10, 0, 7, 5, true, true, 100, 1.5, nodes);
    }

    private static final ClusterRun THREE = run(List.of(node(0, 300_000, 300_000, 3000, 2),
            node(1, 300_000, 300_000, 3000, 2), node(2, 300_000, 300_000, 3000, 2)));

    @Test
    void sharesAreCountsPerAcknowledgedWriteExceptPartitionsLed() {
        NodeWindow window = THREE.windows().get(0);

        assertThat(THREE.share(Measure.CPU, window)).isEqualTo(300.0); // microseconds per write
        assertThat(THREE.share(Measure.SYNCED_BYTES, window)).isEqualTo(300.0);
        assertThat(THREE.share(Measure.MESSAGES, window)).isEqualTo(3.0);
        assertThat(THREE.share(Measure.PARTITIONS_LED, window)).isEqualTo(2.0);
        assertThat(THREE.share(Measure.JIT, window)).isEqualTo(2.0); // 2 ms over 1,000 writes
        assertThat(THREE.share(Measure.GC, window)).isEqualTo(1.0);
        assertThat(Measure.JIT.judged()).isFalse();
        assertThat(Measure.GC.judged()).isFalse();
    }

    @Test
    void halvedSharesOnTwiceTheNodesPassAndTheLargestNodeIsReportedToo() {
        ClusterRun six = run(List.of(node(0, 150_000, 150_000, 1500, 1), node(1, 150_000, 150_000, 1500, 1),
                node(2, 150_000, 150_000, 1500, 1), node(3, 150_000, 150_000, 1500, 1),
                node(4, 150_000, 150_000, 1500, 1), node(5, 210_000, 150_000, 1500, 1)));

        CapacityComparison comparison = new CapacityComparison(THREE, six, 0.05);

        assertThat(comparison.target()).isEqualTo(0.5);
        CapacityComparison.Ratio cpu = comparison.ratios().get(Measure.CPU.ordinal());
        assertThat(cpu.ratio()).isCloseTo(160.0 / 300, within(1e-9)); // (5 x 150 + 210) / 6 nodes = 160 us
        assertThat(cpu.maxRatio()).isCloseTo(0.7, within(1e-9));
        assertThat(cpu.passed()).isTrue();
        assertThat(comparison.passed()).isTrue();
        assertThat(comparison.text()).contains("PASS    CPU us/write").contains("ratio 0.533")
                .contains("6 nodes: 1000 writes acknowledged")
                .contains("7 attempts retried");
    }

    @Test
    void aShareThatDoesNotHalveMissesAndFailsTheComparison() {
        ClusterRun six = run(List.of(node(0, 150_000, 150_000, 2400, 1), node(1, 150_000, 150_000, 2400, 1),
                node(2, 150_000, 150_000, 2400, 1), node(3, 150_000, 150_000, 2400, 1),
                node(4, 150_000, 150_000, 2400, 1), node(5, 150_000, 150_000, 2400, 1)));

        CapacityComparison comparison = new CapacityComparison(THREE, six, 0.05);

        assertThat(comparison.ratios().get(Measure.MESSAGES.ordinal()).ratio()).isCloseTo(0.8, within(1e-9));
        assertThat(comparison.ratios().get(Measure.MESSAGES.ordinal()).passed()).isFalse();
        assertThat(comparison.passed()).isFalse();
        assertThat(comparison.text()).contains("MISS    messages/write");
    }

    @Test
    void anUnverifiedRunFailsTheComparisonWhateverTheShares() {
        ClusterRun unverified = new ClusterRun(3, 6, 1000, 10, 0, 7, 5, false, true, 100, 1.5, THREE.windows());

        assertThat(new CapacityComparison(unverified, THREE, 1.0).passed()).isFalse();
    }

    @Test
    void theJsonHasBothRunsEveryNodeAndEveryRatio() {
        String json = new CapacityComparison(THREE, THREE, 0.05).toJson();

        assertThat(json).startsWith("{\"target\": 1.0000, \"tolerance\": 0.0500, \"passed\": true")
                .contains("\"per_node\": [{\"node\": 0, \"leads_partition_0\": true")
                .contains("\"cpu_us_per_write\": 300.0000")
                .contains("\"messages_per_write\": {\"small_mean\": 3.0000, \"large_mean\": 3.0000, "
                        + "\"ratio\": 1.0000");
        assertThat(json.chars().filter(c -> c == '{').count()).isEqualTo(json.chars().filter(c -> c == '}').count());
    }
}
