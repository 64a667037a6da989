package io.kommander.internal.runtime;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on an executor, handing that executor one task per burst instead
 * of one per submission. A write's answer is one task on the callback thread: relayed one by one, every answer paid a
 * blocking-queue hand-off and, whenever the thread had caught up, a wake-up; queued here, the thread takes a burst
 * of answers (a commit's worth) for the price of one.
 *
 * <p>Thread-safe. A task that throws is reported to the running thread's uncaught-exception handler and the next
 * task runs.
 */
public final class SerialBatches implements Executor {

    private final Executor target;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while a drain is queued on the target or running. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param target where drains run; tasks keep their order even if it runs several tasks at once */
    public SerialBatches(Executor target) {
        this.target = target;
    }

    /**
     * Queues {@code task} behind every task submitted before it.
     *
     * @throws RejectedExecutionException if the target refused to run it (shut down); the task is then not queued
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            target.execute(this::drain);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            if (tasks.remove(task)) {
                throw e;
            }
        }
    }

    private void drain() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (Throwable e) {
                Thread thread = Thread.currentThread();
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
        }
        scheduled.set(false);
        // A task added after the last poll found the drain still scheduled and left it to this one.
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                target.execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                scheduled.set(false);
            }
        }
    }
}
