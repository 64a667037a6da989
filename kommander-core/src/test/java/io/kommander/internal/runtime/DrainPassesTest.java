package io.kommander.internal.runtime;

import io.kommander.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DrainPasses} on a hand-driven pool: which drains share a pass, and when what they held back runs. */
class DrainPassesTest {

    private final ManualExecutor pool = new ManualExecutor();
    private final DrainPasses passes = new DrainPasses(pool, 1);
    private final List<String> events = new ArrayList<>();
    private final Runnable flush = () -> events.add("flush");

    @Test
    void anActionHeldBackByManyDrainsRunsOnceAfterAllOfThem() {
        for (int i = 1; i <= 3; i++) {
            passes.execute(drain("drain " + i));
        }

        pool.runAll(10);

        assertThat(events).containsExactly("drain 1", "drain 2", "drain 3", "flush");
    }

    @Test
    void aPassEndsAfterItsBudgetOfDrainsAndTheNextOneHoldsBackAgain() {
        for (int i = 1; i <= DrainPasses.DRAINS_PER_PASS + 1; i++) {
            passes.execute(drain("drain " + i));
        }

        pool.runAll(10);

        assertThat(events).hasSize(DrainPasses.DRAINS_PER_PASS + 3);
        assertThat(events.get(DrainPasses.DRAINS_PER_PASS)).isEqualTo("flush");
        assertThat(events.subList(DrainPasses.DRAINS_PER_PASS + 1, events.size()))
                .containsExactly("drain " + (DrainPasses.DRAINS_PER_PASS + 1), "flush");
    }

    @Test
    void nothingIsHeldBackOutsideAPassNorByAHeldAction() {
        assertThat(DrainPasses.atPassEnd(flush)).isFalse();
        passes.execute(() -> DrainPasses.atPassEnd(() -> events.add("held: " + DrainPasses.atPassEnd(flush))));

        pool.runAll(10);

        assertThat(events).containsExactly("held: false");
    }

    @Test
    void aDrainThatThrowsEndsNeitherThePassNorWhatItHeldBack() {
        passes.execute(() -> {
            DrainPasses.atPassEnd(flush);
            throw new IllegalStateException("planted");
        });
        passes.execute(drain("drain 2"));

        pool.runAll(10);

        assertThat(events).containsExactly("drain 2", "flush");
    }

    private Runnable drain(String name) {
        return () -> {
            events.add(name);
            DrainPasses.atPassEnd(flush);
        };
    }
}
