package io.kommander.sim;

import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's public entry point, as an {@code IWAL} author uses it (docs/writing-an-iwal.md). */
class SimulationRunnerTest {

    /**
     * Seed 16 runs the crash mix (see {@link FaultMix#forSeed}; seed 15 did until the nodes mix joined the rotation):
     * crashes, each reopening a WAL.
     */
    private static final long CRASH_SEED = 16;

    @Test
    void runsTheSimulatorOnTheWalsTheFactoryOpensAndClosesThemAtTheEnd() {
        List<InMemoryWAL> opened = new ArrayList<>();
        List<Integer> reopenedNodes = new ArrayList<>();
        TestCluster.WalFactory recording = (node, previous) -> {
            InMemoryWAL wal = (InMemoryWAL) TestCluster.WalFactory.inMemory().open(node, previous);
            opened.add(wal);
            if (previous != null) {
                reopenedNodes.add(node);
            }
            return wal;
        };

        SimulationRunner.Outcome outcome = SimulationRunner.run(CRASH_SEED, recording);

        assertThat(outcome.failed()).as("%s", outcome.failure()).isFalse();
        assertThat(outcome.events()).isGreaterThan(1_000);
        assertThat(reopenedNodes).as("nodes reopened after a crash").isNotEmpty();
        assertThat(opened).hasSize(outcome.nodes() + reopenedNodes.size());
        for (IWAL wal : opened) {
            assertThatThrownBy(wal::partitions).as("closed").isInstanceOf(WalException.class);
        }
    }

    @Test
    void aWalThatForgetsWritesOnRestartIsCaught() {
        TestCluster.WalFactory amnesiac = (node, previous) -> new InMemoryWAL();

        SimulationRunner.Outcome outcome = SimulationRunner.run(CRASH_SEED, amnesiac);

        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.failure()).contains("seed " + CRASH_SEED, "SimulationRunner.run(" + CRASH_SEED);
    }

    @Test
    void aSeedReplaysTheSameRunOnTheSameKindOfWal() {
        SimulationRunner.Outcome first = SimulationRunner.run(CRASH_SEED, TestCluster.WalFactory.inMemory());
        SimulationRunner.Outcome again = SimulationRunner.run(CRASH_SEED, TestCluster.WalFactory.inMemory());

        assertThat(again).isEqualTo(first);
    }
}
