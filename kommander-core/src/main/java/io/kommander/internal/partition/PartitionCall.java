package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The future of one call a partition accepted ({@link OpenCalls}). Completing it closes the call and hands the
 * answer to the one {@link Relay} a node may attach ({@link #relayTo}), with no stage of its own: a write used to
 * pay two dependent futures and their completions (one to close the call, one to relay the answer to the caller's
 * future) on top of this one.
 *
 * <p>Thread-safe. Completed on the partition's executor, or by {@link OpenCalls#stop} on the thread that stops it.
 *
 * @param <T> the answer's type
 */
public final class PartitionCall<T> extends CompletableFuture<T> {

    /** Takes a call's answer once it is given. */
    @FunctionalInterface
    public interface Relay<T> {
        /**
         * Called once, on the thread that answered the call; must not block.
         *
         * @param value the answer, or null if {@code error} is set
         * @param error why the call failed, or null
         */
        void settle(T value, Throwable error);
    }

    private static final Relay<Object> ANSWERED = (value, error) -> {
    };
    private static final VarHandle RELAY;

    static {
        try {
            RELAY = MethodHandles.lookup().findVarHandle(PartitionCall.class, "relay", Relay.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final OpenCalls calls;
    private final long number;
    private final BiConsumer<PartitionCall<T>, RaftOperationStatus> refusal;
    /** Null until a relay is attached or the call is answered; {@link #ANSWERED} once answered. */
    @SuppressWarnings("unused") // through RELAY
    private volatile Relay<? super T> relay;

    PartitionCall(OpenCalls calls, long number, BiConsumer<PartitionCall<T>, RaftOperationStatus> refusal) {
        this.calls = calls;
        this.number = number;
        this.refusal = refusal;
    }

    /**
     * Hands the answer to {@code relay} when it comes.
     *
     * @return false if the call was answered already (or another relay attached): read the answer from this future
     */
    public boolean relayTo(Relay<? super T> relay) {
        return RELAY.compareAndSet(this, null, relay);
    }

    @Override
    public boolean complete(T value) {
        if (!super.complete(value)) {
            return false;
        }
        answered(value, null);
        return true;
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        if (!super.completeExceptionally(error)) {
            return false;
        }
        answered(null, error);
        return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!super.cancel(mayInterruptIfRunning)) {
            return false;
        }
        answered(null, new CancellationException());
        return true;
    }

    /**
     * Spread from the call's number, unique within its partition: {@link OpenCalls} hashes every call it opens, and
     * an identity hash costs a call into the VM the first time an object is hashed.
     */
    @Override
    public int hashCode() {
        return Long.hashCode(number * 0x9E3779B97F4A7C15L);
    }

    /** Identity, as a future's. */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    /** The order the call was opened in, for {@link OpenCalls#stop}. */
    long number() {
        return number;
    }

    /** Answers the call as its partition stopped with {@code stopped}. */
    void refuse(RaftOperationStatus stopped) {
        refusal.accept(this, stopped);
    }

    @SuppressWarnings("unchecked")
    private void answered(T value, Throwable error) {
        calls.closed(this);
        Relay<? super T> waiting = (Relay<? super T>) RELAY.getAndSet(this, ANSWERED);
        if (waiting != null) {
            waiting.settle(value, error);
        }
    }
}
