package io.kommander.sim;

import io.kommander.sim.LinearizabilityChecker.Op;
import io.kommander.sim.LinearizabilityChecker.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.kommander.sim.LinearizabilityChecker.NEVER;
import static io.kommander.sim.LinearizabilityChecker.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class LinearizabilityCheckerTest {

    private final LinearizabilityChecker checker = new LinearizabilityChecker(1_000_000);

    @Test
    void sequentialWriteThenReadIsLinearizable() {
        assertThat(checker.check(List.of(Op.write(1, 5, 0, 1), Op.read(2, 2, 3, 5)), 0))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readOfAnOverwrittenValueAfterTheOverwriteCompletedIsNot() {
        // write 1, then write 2 completes, then a read returns 1: stale read.
        List<Op> history = List.of(Op.write(1, 1, 0, 1), Op.write(2, 2, 2, 3), Op.read(3, 4, 5, 1));
        assertThat(checker.check(history, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readConcurrentWithAWriteMaySeeEitherValue() {
        List<Op> oldValue = List.of(Op.write(1, 7, 0, 3), Op.read(2, 1, 2, 0));
        List<Op> newValue = List.of(Op.write(1, 7, 0, 3), Op.read(2, 1, 2, 7));
        assertThat(checker.check(oldValue, 0)).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checker.check(newValue, 0)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readsThatSeeANewValueThenTheOldOneAreNot() {
        // A write overlaps two sequential reads: once a read saw 7, a later read cannot see 0 again.
        List<Op> history = List.of(Op.write(1, 7, 0, 10), Op.read(2, 1, 2, 7), Op.read(3, 3, 4, 0));
        assertThat(checker.check(history, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readOfAValueNeverWrittenIsNot() {
        assertThat(checker.check(List.of(Op.write(1, 1, 0, 1), Op.read(2, 2, 3, 9)), 0))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void casResultMustMatchTheRegister() {
        List<Op> swapped = List.of(Op.write(1, 3, 0, 1), Op.cas(2, 3, 4, 2, 3, 1), Op.read(3, 4, 5, 4));
        List<Op> wronglyFailed = List.of(Op.write(1, 3, 0, 1), Op.cas(2, 3, 4, 2, 3, 0));
        List<Op> wronglySwapped = List.of(Op.write(1, 3, 0, 1), Op.cas(2, 9, 4, 2, 3, 1));
        assertThat(checker.check(swapped, 0)).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checker.check(wronglyFailed, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(checker.check(wronglySwapped, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void indeterminateWriteMayTakeEffectLateOrNever() {
        List<Op> tookEffectLate = List.of(Op.write(1, 8, 0, NEVER), Op.read(2, 5, 6, 0), Op.read(3, 7, 8, 8));
        List<Op> neverTookEffect = List.of(Op.write(1, 8, 0, NEVER), Op.read(2, 5, 6, 0));
        assertThat(checker.check(tookEffectLate, 0)).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checker.check(neverTookEffect, 0)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void indeterminateWriteCannotTakeEffectBeforeItWasInvoked() {
        List<Op> history = List.of(Op.read(1, 0, 1, 8), Op.write(2, 8, 2, NEVER));
        assertThat(checker.check(history, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void indeterminateCasMaySwapOrNot() {
        List<Op> swapped = List.of(Op.cas(1, 0, 5, 0, NEVER, UNKNOWN), Op.read(2, 1, 2, 5));
        List<Op> notSwapped = List.of(Op.cas(1, 0, 5, 0, NEVER, UNKNOWN), Op.read(2, 1, 2, 0));
        assertThat(checker.check(swapped, 0)).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checker.check(notSwapped, 0)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void manyConcurrentClientsAreCheckedQuicklyThanksToMemoization() {
        // Ten rounds of five overlapping writes, each round followed by a read of the last round's writer.
        List<Op> history = new ArrayList<>();
        long t = 0;
        long id = 1;
        for (int round = 0; round < 10; round++) {
            long start = t;
            for (int w = 0; w < 5; w++) {
                history.add(Op.write(id++, round * 10L + w, start + w, start + 20));
            }
            t = start + 21 + 5;
            history.add(Op.read(id++, start + 21, start + 22, round * 10L + 4));
        }
        assertThat(checker.check(history, 0)).isEqualTo(Verdict.LINEARIZABLE);
        history.add(Op.read(id, t + 1, t + 2, 3));
        assertThat(checker.check(history, 0)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void givesUpRatherThanRunningForeverWhenTheBudgetIsSpent() {
        List<Op> history = new ArrayList<>();
        for (int w = 0; w < 14; w++) {
            history.add(Op.write(w + 1, w, w, 100));
        }
        history.add(Op.read(99, 101, 102, 1_000));
        assertThat(new LinearizabilityChecker(50).check(history, 0)).isEqualTo(Verdict.GAVE_UP);
    }
}
