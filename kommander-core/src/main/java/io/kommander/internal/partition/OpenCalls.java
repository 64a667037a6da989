package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;

/**
 * The calls a partition has accepted and not yet answered, each with how to answer it should the partition stop
 * first. Wherever a call is when the partition closes or fails (queued on the executor, dropped with its queue, or
 * waiting in the state machine), {@link #stop} answers it; and every call opened afterwards is answered at once.
 * So every future a partition hands out completes. A stop answers calls in the order they were opened, never in an
 * order that depends on identity hash codes, so the simulator replays it exactly.
 *
 * <p>Every replica has one, most never see a call: the set is made on the first call, and the counter and the stop
 * status are plain fields behind static updaters, not atomic objects of their own (docs/scale.md).
 *
 * <p>Thread-safe: calls open on callers' threads and complete on the executor.
 */
final class OpenCalls {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<OpenCalls, Set> OPEN =
            AtomicReferenceFieldUpdater.newUpdater(OpenCalls.class, Set.class, "open");
    private static final AtomicLongFieldUpdater<OpenCalls> OPENED =
            AtomicLongFieldUpdater.newUpdater(OpenCalls.class, "opened");
    private static final AtomicReferenceFieldUpdater<OpenCalls, RaftOperationStatus> STOPPED_WITH =
            AtomicReferenceFieldUpdater.newUpdater(OpenCalls.class, RaftOperationStatus.class, "stoppedWith");

    /**
     * A hash set, not a sorted map: every write opens and closes a call, a stop is rare (and sorts them). Null until
     * the first call.
     */
    private volatile Set<PartitionCall<?>> open;
    private volatile long opened;
    private volatile RaftOperationStatus stoppedWith;

    /**
     * Opens a call, tracked until its future completes.
     *
     * @param refusal answers the call with the partition's final status if it stops first (a lambda that captures
     *                nothing costs nothing per call)
     * @return the call's future, already answered if the partition has stopped
     */
    <T> PartitionCall<T> open(BiConsumer<PartitionCall<T>, RaftOperationStatus> refusal) {
        PartitionCall<T> call = new PartitionCall<>(this, OPENED.incrementAndGet(this), refusal);
        openSet().add(call);
        // Read after the add: a stop that this read misses comes later and finds the call in the set.
        RaftOperationStatus stopped = stoppedWith;
        if (stopped != null) {
            call.refuse(stopped);
        }
        return call;
    }

    /** {@code call} was answered. */
    void closed(PartitionCall<?> call) {
        open.remove(call); // made before the call opened
    }

    private Set<PartitionCall<?>> openSet() {
        Set<PartitionCall<?>> set = open;
        if (set == null) {
            OPEN.compareAndSet(this, null, ConcurrentHashMap.newKeySet());
            set = open;
        }
        return set;
    }

    /**
     * The partition stopped: answers every open call, and every later one, with {@code status} (the first status
     * given, if stopped twice).
     */
    void stop(RaftOperationStatus status) {
        STOPPED_WITH.compareAndSet(this, null, status);
        RaftOperationStatus first = stoppedWith;
        Set<PartitionCall<?>> set = open;
        if (set == null) {
            return; // no call opened before the stop status was set: every later one reads it
        }
        List<PartitionCall<?>> calls = new ArrayList<>(set);
        calls.sort(Comparator.comparingLong(PartitionCall::number));
        for (PartitionCall<?> call : calls) {
            call.refuse(first);
        }
    }

    /** The status the partition stopped with, or null while it runs. */
    RaftOperationStatus stoppedWith() {
        return stoppedWith;
    }
}
