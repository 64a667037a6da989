package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TermRunsTest {

    /** Indices 1..3 of term 1, 4..9 of term 2, 10.. of term 5. */
    private static TermRuns threeRuns() {
        TermRuns runs = new TermRuns();
        for (long i = 1; i <= 12; i++) {
            runs.append(i, i <= 3 ? 1 : i <= 9 ? 2 : 5);
        }
        return runs;
    }

    @Test
    void termAtFindsTheRunHoldingTheIndex() {
        TermRuns runs = threeRuns();
        assertThat(runs.termAt(1)).isEqualTo(1);
        assertThat(runs.termAt(3)).isEqualTo(1);
        assertThat(runs.termAt(4)).isEqualTo(2);
        assertThat(runs.termAt(12)).isEqualTo(5);
        assertThat(runs.termAt(0)).isEqualTo(-1);
    }

    @Test
    void runStartIsTheFirstIndexOfTheTerm() {
        TermRuns runs = threeRuns();
        assertThat(runs.runStart(7)).isEqualTo(4);
        assertThat(runs.runStart(10)).isEqualTo(10);
    }

    @Test
    void truncateAfterForgetsLaterIndicesAndTheirRuns() {
        TermRuns runs = threeRuns();
        runs.truncateAfter(5);
        runs.append(6, 7);
        assertThat(runs.termAt(5)).isEqualTo(2);
        assertThat(runs.termAt(6)).isEqualTo(7);
        assertThat(runs.runStart(9)).isEqualTo(6);
    }

    @Test
    void dropThroughKeepsTheRunContainingTheNextIndex() {
        TermRuns runs = threeRuns();
        runs.dropThrough(5);
        assertThat(runs.termAt(6)).isEqualTo(2);
        assertThat(runs.termAt(11)).isEqualTo(5);
        assertThat(runs.termAt(2)).as("before every run").isEqualTo(-1);
        runs.dropThrough(9);
        assertThat(runs.termAt(10)).isEqualTo(5);
        assertThat(runs.runStart(12)).isEqualTo(10);
    }

    @Test
    void manyTermsGrowTheRuns() {
        TermRuns runs = new TermRuns();
        for (long i = 1; i <= 100; i++) {
            runs.append(i, i);
        }
        assertThat(runs.termAt(100)).isEqualTo(100);
        assertThat(runs.termAt(37)).isEqualTo(37);
    }
}
