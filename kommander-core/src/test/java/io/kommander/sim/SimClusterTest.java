package io.kommander.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scenario fixture itself: a seed replays a scenario, and a wait that runs out says what it waited for. */
class SimClusterTest {

    /** A scenario with a leader crash, a restart and a partition: enough to show any nondeterminism. */
    private static SimCluster scenario(long seed) {
        SimCluster cluster = SimCluster.builder(3, 2).seed(seed).start();
        cluster.writeSequentially(1, "a-", 10);
        int leader = cluster.awaitLeader(1);
        cluster.crash(leader);
        cluster.writeBurst(2, "b-", 50);
        cluster.restart(leader);
        cluster.isolate(cluster.awaitLeader(1));
        cluster.runFor(Duration.ofSeconds(1));
        cluster.heal();
        cluster.writeSequentially(1, "c-", 10);
        return cluster;
    }

    @Test
    void oneSeedReplaysTheSameScenario() {
        SimCluster first = scenario(7);
        SimCluster again = scenario(7);
        assertThat(again.now()).isEqualTo(first.now());
        assertThat(again.digest()).isEqualTo(first.digest());
        assertThat(scenario(8).digest()).as("another seed, another run").isNotEqualTo(first.digest());
    }

    @Test
    void waitThatRunsOutNamesTheConditionTheSeedAndTheTime() {
        SimCluster cluster = SimCluster.builder(1, 1).seed(3).start();
        long before = cluster.now();
        assertThatThrownBy(() -> cluster.runUntil("pigs fly", () -> false, Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("pigs fly did not hold within 500 ms")
                .hasMessageContaining("seed 3");
        assertThat(cluster.now()).isEqualTo(before + 500);
    }

    @Test
    void crashedNodeIsDownUntilRestarted() {
        SimCluster cluster = SimCluster.builder(3, 1).start();
        cluster.write(1, "x");
        cluster.crash(2);
        assertThat(cluster.node(2)).isNull();
        assertThatThrownBy(() -> cluster.restart(0)).isInstanceOf(IllegalStateException.class);
        cluster.restart(2);
        assertThat(cluster.awaitHistory(2, 1, 1)).containsExactly("x");
    }
}
