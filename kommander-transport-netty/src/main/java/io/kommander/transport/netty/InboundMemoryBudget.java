package io.kommander.transport.netty;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that unfinished inbound frames of all accepted connections may pin together. A connection reserves a
 * frame's announced length when the frame starts arriving without being complete, and gives it back when the frame
 * is complete or the connection closes; a frame that cannot be reserved closes its connection
 * ({@link CloseReason#INBOUND_MEMORY_LIMIT}). Thread-safe.
 */
final class InboundMemoryBudget {

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    InboundMemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Reserves {@code bytes} if they fit under the limit. */
    boolean tryReserve(long bytes) {
        long current;
        do {
            current = reserved.get();
            if (current + bytes > limit) {
                return false;
            }
        } while (!reserved.compareAndSet(current, current + bytes));
        return true;
    }

    /** Gives back bytes reserved earlier. */
    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    long reserved() {
        return reserved.get();
    }

    /** The limit. */
    long limit() {
        return limit;
    }
}
