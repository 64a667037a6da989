package io.kommander.bench.system;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The harness's one bounded wait: polls a condition until it holds or a time bound runs out. */
public final class BoundedWait {

    private BoundedWait() {
    }

    /**
     * Polls {@code condition} every {@code pollMillis} until it holds or {@code timeoutMillis} have passed.
     *
     * @return whether it held in time
     */
    public static boolean until(BooleanSupplier condition, long timeoutMillis, long pollMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
        }
        return true;
    }
}
