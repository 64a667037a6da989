package io.kommander.transport.netty;

import java.util.function.LongSupplier;

/**
 * A token bucket of inbound frames for one connection: {@code framesPerSecond} tokens a second, up to one second's
 * worth in reserve. A peer that sends faster is flooding. Confined to the connection's event loop.
 */
final class FrameRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long framesPerSecond;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    FrameRateLimiter(long framesPerSecond, LongSupplier nanoClock) {
        if (framesPerSecond < 1) {
            throw new IllegalArgumentException("framesPerSecond must be >= 1, was " + framesPerSecond);
        }
        this.framesPerSecond = framesPerSecond;
        this.nanoClock = nanoClock;
        this.tokens = framesPerSecond;
        this.last = nanoClock.getAsLong();
    }

    /** Takes one token; false if the bucket is empty. */
    boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(framesPerSecond, tokens + (double) (now - last) * framesPerSecond / NANOS_PER_SECOND);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
