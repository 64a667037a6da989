package io.kommander.wal.rocksdb;

import io.kommander.sim.SimulationRunner;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deterministic simulator over {@link RocksDbWAL}, through the core's test-jar, as docs/writing-an-iwal.md
 * shows an IWAL author: every node keeps its log in a folder of its own, and a crash reopens that folder.
 */
class RocksDbSimulationTest {

    /**
     * Runs the crash mix (see the simulator's FaultMix): nodes crash, lose what was not synced, and restart (three
     * times in seed 15).
     */
    private static final long CRASH_SEED = 15;

    @TempDir
    Path folder;

    @Test
    void clusterOnRocksDbWalsKeepsEverySafetyPropertyAndRunsAsOnInMemoryWals() {
        runsAsOnInMemoryWals(RocksDbWALBuilder.DEFAULT_VALUE_LOG_THRESHOLD_BYTES);
    }

    @Test
    void clusterWithEveryPayloadInTheValueLogRunsAsOnInMemoryWals() {
        runsAsOnInMemoryWals(1);
    }

    private void runsAsOnInMemoryWals(long valueLogThresholdBytes) {
        TestCluster.WalFactory rocksDb = (node, previous) -> RocksDbWAL.builder(folder.resolve("node-" + node))
                .shards(2).blockCacheBytes(8L << 20).writeBufferBytes(16L << 20).memtableBytes(4L << 20)
                .valueLogThresholdBytes(valueLogThresholdBytes).valueLogSegmentBytes(64L << 10).open();

        SimulationRunner.Outcome outcome = SimulationRunner.run(CRASH_SEED, rocksDb);

        assertThat(outcome.failed()).as("%s", outcome.failure()).isFalse();
        assertThat(outcome.events()).isGreaterThan(1_000);
        assertThat(outcome).as("RocksDbWAL answers every call as InMemoryWAL does")
                .isEqualTo(SimulationRunner.run(CRASH_SEED, TestCluster.WalFactory.inMemory()));
    }
}
