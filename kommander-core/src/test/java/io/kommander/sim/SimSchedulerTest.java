package io.kommander.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SimSchedulerTest {

    private final SimScheduler scheduler = new SimScheduler(new SplittableRandom(7));
    private final List<String> ran = new ArrayList<>();

    @Test
    void eventsRunInTimeThenSubmissionOrder() {
        scheduler.schedule(0, 10, () -> ran.add("b"));
        scheduler.schedule(1, 5, () -> ran.add("a"));
        scheduler.schedule(2, 10, () -> ran.add("c"));
        scheduler.runUntil(100);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(scheduler.now()).isEqualTo(100);
    }

    @Test
    void aPausedNodesEventsWaitAndItsClockStops() {
        scheduler.schedule(0, 10, () -> ran.add("paused node"));
        scheduler.schedule(1, 20, () -> ran.add("other node"));
        scheduler.pause(0);
        scheduler.runUntil(50);
        assertThat(ran).containsExactly("other node");
        assertThat(scheduler.stoppedMillis(0)).isEqualTo(50);
        scheduler.resume(0);
        scheduler.runUntil(60);
        assertThat(ran).containsExactly("other node", "paused node");
        scheduler.runUntil(80);
        assertThat(scheduler.stoppedMillis(0)).isEqualTo(50);
    }

    @Test
    void aCrashDropsTheNodesEventsOnly() {
        scheduler.schedule(0, 10, () -> ran.add("crashed node"));
        scheduler.schedule(1, 10, () -> ran.add("survivor"));
        scheduler.drop(0);
        scheduler.runUntil(20);
        assertThat(ran).containsExactly("survivor");
    }

    @Test
    void aCancelledEventDoesNotRun() {
        scheduler.schedule(0, 10, () -> ran.add("cancelled")).cancel();
        scheduler.runUntil(20);
        assertThat(ran).isEmpty();
        assertThat(scheduler.executed()).isZero();
    }
}
