package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The calls a partition has accepted and not yet answered, each with how to answer it should the partition stop
 * first. Wherever a call is when the partition closes or fails (queued on the executor, dropped with its queue, or
 * waiting in the state machine), {@link #stop} answers it; and every call opened afterwards is answered at once.
 * So every future a partition hands out completes. A stop answers calls in the order they were opened, never in an
 * order that depends on identity hash codes, so the simulator replays it exactly.
 *
 * <p>Thread-safe: calls open on callers' threads and complete on the executor.
 */
final class OpenCalls {

    /** By call number. A hash map, not a sorted one: every write opens and closes a call, a stop is rare. */
    private final Map<Long, Consumer<RaftOperationStatus>> open = new ConcurrentHashMap<>();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicReference<RaftOperationStatus> stoppedWith = new AtomicReference<>();

    /**
     * Tracks {@code future} until it completes.
     *
     * @param refuse answers the call with the partition's final status if it stops first
     * @return {@code future}, already answered if the partition has stopped
     */
    <T> CompletableFuture<T> track(CompletableFuture<T> future, Consumer<RaftOperationStatus> refuse) {
        long call = opened.incrementAndGet();
        open.put(call, refuse);
        future.whenComplete((value, error) -> open.remove(call));
        // Read after the put: a stop that this read misses comes later and finds the call in the map.
        RaftOperationStatus stopped = stoppedWith.get();
        if (stopped != null) {
            refuse.accept(stopped);
        }
        return future;
    }

    /**
     * The partition stopped: answers every open call, and every later one, with {@code status} (the first status
     * given, if stopped twice).
     */
    void stop(RaftOperationStatus status) {
        stoppedWith.compareAndSet(null, status);
        RaftOperationStatus first = stoppedWith.get();
        List<Long> calls = new ArrayList<>(open.keySet());
        Collections.sort(calls);
        for (Long call : calls) {
            Consumer<RaftOperationStatus> refuse = open.get(call);
            if (refuse != null) {
                refuse.accept(first);
            }
        }
    }

    /** The status the partition stopped with, or null while it runs. */
    RaftOperationStatus stoppedWith() {
        return stoppedWith.get();
    }
}
