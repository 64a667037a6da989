package io.kommander.internal.node;

import io.kommander.runtime.IRaftRuntime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The callers of {@code waitForLeader}, per partition: each waiter completes with the first leader known, or fails
 * at its deadline, when its partition stops, or when the node closes. Completes on whichever thread learns the
 * outcome (a partition executor, the timer); the node relays waiters to its callers.
 *
 * <p>Thread-safe.
 */
final class LeaderWaiters {

    private final IRaftRuntime runtime;
    private final Map<Integer, List<CompletableFuture<String>>> waiters = new ConcurrentHashMap<>();

    LeaderWaiters(IRaftRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Waits for a leader of {@code partition}.
     *
     * @param known reads the leader known now (read after the waiter registers, so no change is missed)
     */
    CompletableFuture<String> await(int partition, Supplier<String> known, Duration timeout) {
        CompletableFuture<String> waiter = new CompletableFuture<>();
        List<CompletableFuture<String>> list = waiters.computeIfAbsent(partition, k -> new CopyOnWriteArrayList<>());
        list.add(waiter);
        String leader = known.get();
        if (leader != null) {
            waiter.complete(leader);
        }
        IRaftRuntime.Cancellable deadline = runtime.schedule(timeout.toMillis(), () -> waiter.completeExceptionally(
                new TimeoutException("no leader for partition " + partition + " within " + timeout)));
        waiter.whenComplete((value, error) -> {
            list.remove(waiter);
            deadline.cancel();
        });
        return waiter;
    }

    /** The partition's leader became known. */
    void leaderKnown(int partition, String leader) {
        List<CompletableFuture<String>> list = waiters.get(partition);
        if (list != null) {
            list.forEach(waiter -> waiter.complete(leader));
        }
    }

    /** Fails the partition's waiters (it stopped). */
    void fail(int partition, Throwable error) {
        List<CompletableFuture<String>> list = waiters.get(partition);
        if (list != null) {
            list.forEach(waiter -> waiter.completeExceptionally(error));
        }
    }

    /** Fails every waiter (the node closed). */
    void failAll(Throwable error) {
        waiters.keySet().forEach(partition -> fail(partition, error));
    }
}
