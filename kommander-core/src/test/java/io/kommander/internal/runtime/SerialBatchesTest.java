package io.kommander.internal.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SerialBatchesTest {

    /** A target that holds its tasks until the test runs them. */
    private static final class HeldTasks implements Executor {
        final ArrayDeque<Runnable> held = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = held.poll()) != null) {
                task.run();
            }
        }
    }

    @Test
    void aBurstOfTasksCostsTheTargetOneTaskAndRunsInOrder() {
        HeldTasks target = new HeldTasks();
        SerialBatches batches = new SerialBatches(target);
        List<Integer> ran = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            int n = i;
            batches.execute(() -> ran.add(n));
        }

        assertThat(target.held).hasSize(1);
        target.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aTaskQueuedAfterADrainEndedGetsADrainOfItsOwn() {
        HeldTasks target = new HeldTasks();
        SerialBatches batches = new SerialBatches(target);
        List<String> ran = new ArrayList<>();
        batches.execute(() -> ran.add("first"));
        target.runAll();

        batches.execute(() -> ran.add("second"));

        assertThat(target.held).hasSize(1);
        target.runAll();
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aThrowingTaskDoesNotStopTheOnesBehindIt() {
        HeldTasks target = new HeldTasks();
        SerialBatches batches = new SerialBatches(target);
        List<String> ran = new ArrayList<>();
        List<Throwable> reported = new ArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.currentThread().getUncaughtExceptionHandler();
        Thread.currentThread().setUncaughtExceptionHandler((thread, e) -> reported.add(e));
        try {
            batches.execute(() -> {
                throw new IllegalStateException("boom");
            });
            batches.execute(() -> ran.add("after"));
            target.runAll();
        } finally {
            Thread.currentThread().setUncaughtExceptionHandler(before);
        }

        assertThat(ran).containsExactly("after");
        assertThat(reported).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aShutDownTargetRefusesTheTaskAndKeepsNothingQueued() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        SerialBatches batches = new SerialBatches(pool);

        assertThatThrownBy(() -> batches.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        // Still refused (not silently queued behind a drain that will never come).
        assertThatThrownBy(() -> batches.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }
}
