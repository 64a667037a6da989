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
     * A seed of the crash mix (crashes that reopen a WAL), found from the rotation ({@link FaultMix#forSeed}) so it
     * does not move when a mix joins: the second turn's, as the first turn's seeds are also the negative controls'.
     */
    private static final long CRASH_SEED = FaultMix.ALL.length + java.util.Arrays.asList(FaultMix.ALL)
            .indexOf(FaultMix.CRASHES);

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
