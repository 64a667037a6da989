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

    /**
     * A task that marks its thread as doing library work while it runs, for a path that runs a task per write and
     * should not pay {@link #marking}'s wrapper on top of its own task object.
     */
    public abstract static class MarkedTask implements Runnable {

        /** Runs {@link #runMarked} with the current thread marked (as {@link LibraryThreads#run}). */
        @Override
        public final void run() {
            int[] depth = DEPTH.get();
            depth[0]++;
            try {
                runMarked();
            } finally {
                depth[0]--;
            }
        }

        /** The task's work, run marked as library work. */
        protected abstract void runMarked();
    }
}
