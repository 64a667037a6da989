package io.kommander.internal.runtime;

import java.util.concurrent.Executor;

/**
 * Knows whether the current thread is doing the library's work: draining a partition executor or completing a
 * caller's future on the callback executor. Such a thread must never wait for the library, since what it would
 * wait for may be queued behind its own task; blocking calls ask here and refuse (or decline to wait) instead.
 *
 * <p>Thread-safe: the mark is per thread.
 */
public final class LibraryThreads {

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private LibraryThreads() {
    }

    /** Whether the current thread is running library work now. */
    public static boolean isCurrent() {
        return DEPTH.get()[0] > 0;
    }

    /** Runs {@code task} with the current thread marked as doing library work (nested runs keep the mark). */
    public static void run(Runnable task) {
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            task.run();
        } finally {
            depth[0]--;
        }
    }

    /** An executor that runs each task of {@code executor} marked as library work. */
    public static Executor marking(Executor executor) {
        return task -> executor.execute(() -> run(task));
    }
}
