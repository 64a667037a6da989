package io.kommander.bench.system;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The harness's one bounded stop: a compared system's shutdown runs on a thread of its own, and the harness waits for
 * it a bounded time. SOFAJRaft's and Ratis's shutdowns have no bound of their own, and a CI run once ran out of time
 * with SOFAJRaft groups still running after the cluster began to close.
 */
public final class BoundedStop {

    private BoundedStop() {
    }

    /**
     * Runs {@code stop} on a daemon thread named {@code name} and waits up to {@code bound} for it. A stop still
     * running then is reported on standard error with where it waits, and left to the JVM's exit.
     *
     * @return whether the stop ended within the bound
     * @throws RuntimeException what {@code stop} threw, if it ended by throwing within the bound
     */
    public static boolean run(String name, Duration bound, Runnable stop) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                stop.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, name);
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            System.err.println(name + " did not end within " + bound + "; going on without it. It waits at:");
            for (StackTraceElement frame : stopper.getStackTrace()) {
                System.err.println("\tat " + frame);
            }
            return false;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return true;
    }
}
