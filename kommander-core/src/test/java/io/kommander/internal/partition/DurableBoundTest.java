package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurableBoundTest {

    @Test
    void restoredLogIsDurable() {
        DurableBound bound = new DurableBound();
        bound.reset(7);
        assertThat(bound.index()).isEqualTo(7);
    }

    @Test
    void appendsBecomeDurableWhenTheirStepCompletes() {
        DurableBound bound = new DurableBound();
        bound.reset(0);
        bound.persisted(1, 5, 9);
        assertThat(bound.index()).isEqualTo(5);
        bound.persisted(2, 9, 9);
        assertThat(bound.index()).isEqualTo(9);
    }

    @Test
    void truncationLowersTheBoundAtOnce() {
        DurableBound bound = new DurableBound();
        bound.reset(10);
        bound.truncated(3, 6);
        assertThat(bound.index()).isEqualTo(6);
    }

    @Test
    void boundStaysAtTheTruncationUntilTheTruncatingStepIsDurable() {
        DurableBound bound = new DurableBound();
        bound.reset(10);
        bound.truncated(3, 6);
        // Step 2 wrote entries up to 10 before the truncation: its completion must not count 7..10, now replaced.
        bound.persisted(2, 10, 8);
        assertThat(bound.index()).isEqualTo(6);
        bound.persisted(3, 8, 8);
        assertThat(bound.index()).isEqualTo(8);
    }

    @Test
    void laterTruncationKeepsTheLowestPendingPoint() {
        DurableBound bound = new DurableBound();
        bound.reset(10);
        bound.truncated(3, 6);
        bound.truncated(4, 4);
        bound.persisted(3, 7, 7);
        assertThat(bound.index()).isEqualTo(4);
        bound.persisted(4, 7, 7);
        assertThat(bound.index()).isEqualTo(7);
    }

    @Test
    void neverAboveTheLogsLastIndex() {
        DurableBound bound = new DurableBound();
        bound.reset(0);
        bound.persisted(1, 10, 7);
        assertThat(bound.index()).isEqualTo(7);
    }
}
