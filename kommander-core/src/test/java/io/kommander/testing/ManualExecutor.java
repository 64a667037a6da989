package io.kommander.testing;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * An {@link Executor} driven by hand: {@link #execute} only queues, and the test runs queued tasks on its own
 * thread when it chooses, so schedulers and executors can be tested step by step without threads or sleeps. A
 * task may call {@link #runNext()} from inside another task to play a second worker running meanwhile.
 *
 * <p>Not thread-safe: the test's thread only.
 */
public final class ManualExecutor implements Executor {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Tasks queued and not yet run. */
    public int queued() {
        return tasks.size();
    }

    /**
     * Runs the oldest queued task.
     *
     * @return false if none was queued
     */
    public boolean runNext() {
        Runnable task = tasks.poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Runs tasks, including those they queue, until none is left.
     *
     * @param maxTasks the most tasks to run, so a test of something that never settles still ends
     * @return the tasks run
     * @throws AssertionError if tasks are still queued after {@code maxTasks}
     */
    public int runAll(int maxTasks) {
        int ran = 0;
        while (runNext()) {
            if (++ran >= maxTasks && !tasks.isEmpty()) {
                throw new AssertionError("still " + tasks.size() + " tasks queued after " + maxTasks);
            }
        }
        return ran;
    }
}
