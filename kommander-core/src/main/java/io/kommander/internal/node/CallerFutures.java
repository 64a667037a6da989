package io.kommander.internal.node;

import io.kommander.internal.partition.PartitionCall;
import io.kommander.internal.runtime.LibraryThreads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the futures a node hands to its callers. Partitions complete their futures on their executors; each is
 * relayed to a caller's future that completes on the callback executor instead, so the caller's stages never run
 * on, or hold up, a partition executor. A caller's future also refuses to be waited on ({@code join}, {@code get})
 * from a thread doing library work (a listener on a partition executor, a stage on the callback executor): the
 * answer may need that very thread, so it fails at once with {@link IllegalStateException} instead of deadlocking.
 *
 * <p>Thread-safe.
 */
final class CallerFutures {

    private final Callbacks callbacks;

    /** @param callbacks where callers' futures complete (marked as library work by this class) */
    CallerFutures(Executor callbacks) {
        this.callbacks = new Callbacks(callbacks, LibraryThreads.marking(callbacks));
    }

    /**
     * A caller's future that completes like {@code source}: at once if {@code source} is done (the caller's own
     * thread then runs its stages), otherwise on the callback executor (or where {@code source} completes, if the
     * callback executor no longer takes tasks because the node has closed).
     */
    <T> CompletableFuture<T> relay(CompletableFuture<T> source) {
        CallerFuture<T> target = new CallerFuture<>(callbacks);
        // A partition's own call hands its answer over directly: no stage, no task object per write.
        if (source instanceof PartitionCall<T> call && call.relayTo(target)) {
            return target;
        }
        boolean done = source.isDone();
        source.whenComplete((value, error) -> {
            if (done) {
                settle(target, value, error);
            } else {
                target.settle(value, error);
            }
        });
        return target;
    }

    /** A caller's future completed with {@code value}. */
    <T> CompletableFuture<T> completed(T value) {
        CallerFuture<T> future = new CallerFuture<>(callbacks);
        future.complete(value);
        return future;
    }

    /** A caller's future failed with {@code error}. */
    <T> CompletableFuture<T> failed(Throwable error) {
        CallerFuture<T> future = new CallerFuture<>(callbacks);
        future.completeExceptionally(error);
        return future;
    }

    /** An incomplete caller's future, for the node to complete itself (off the partition executors). */
    <T> CompletableFuture<T> incomplete() {
        return new CallerFuture<>(callbacks);
    }

    private static <T> void settle(CompletableFuture<T> target, T value, Throwable error) {
        if (error == null) {
            target.complete(value);
        } else {
            target.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
        }
    }

    /**
     * The callback executor as given ({@code plain}: an {@link Answer} marks itself) and wrapped to mark every task
     * ({@code marking}: callers' async stages). One object, so a caller's future carries one field for both.
     */
    private record Callbacks(Executor plain, Executor marking) {
    }

    /**
     * One answer on its way to a caller's future: the only object the hand-off to the callback executor costs per
     * write (a lambda and {@link LibraryThreads#marking}'s wrapper around it cost two).
     */
    private static final class Answer<T> extends LibraryThreads.MarkedTask {
        private final CompletableFuture<T> target;
        private final T value;
        private final Throwable error;

        Answer(CompletableFuture<T> target, T value, Throwable error) {
            this.target = target;
            this.value = value;
            this.error = error;
        }

        @Override
        protected void runMarked() {
            settle(target, value, error);
        }
    }

    /**
     * A future whose waits refuse library threads, whose dependent futures are alike, and whose async stages
     * default to the callback executor. Relaying a partition's call, it takes the answer and completes itself on the
     * callback executor.
     */
    private static final class CallerFuture<T> extends CompletableFuture<T> implements PartitionCall.Relay<T> {
        private final Callbacks callbacks;

        CallerFuture(Callbacks callbacks) {
            this.callbacks = callbacks;
        }

        /** Completes this future on the callback executor (or here, if it no longer takes tasks: the node closed). */
        @Override
        public void settle(T value, Throwable error) {
            try {
                callbacks.plain().execute(new Answer<>(this, value, error));
            } catch (RejectedExecutionException closed) {
                CallerFutures.settle(this, value, error);
            }
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            refuseLibraryThread();
            return super.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                TimeoutException {
            refuseLibraryThread();
            return super.get(timeout, unit);
        }

        @Override
        public T join() {
            refuseLibraryThread();
            return super.join();
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CallerFuture<>(callbacks);
        }

        @Override
        public Executor defaultExecutor() {
            return callbacks.marking();
        }

        private static void refuseLibraryThread() {
            if (LibraryThreads.isCurrent()) {
                throw new IllegalStateException("waiting on a Kommander future from a partition executor (a"
                        + " listener) or the callback executor (a stage) could wait on itself: compose with"
                        + " thenApply/thenCompose instead of join/get");
            }
        }
    }
}
