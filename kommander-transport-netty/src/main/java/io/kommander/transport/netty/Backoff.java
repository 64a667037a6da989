package io.kommander.transport.netty;

import java.util.random.RandomGenerator;

/**
 * Exponential reconnect back-off with "equal jitter": the n-th consecutive failure waits a random time between
 * half and all of {@code min * 2^n}, capped at {@code max}. The jitter spreads the reconnects of many nodes that
 * lost the same peer at once. Not thread-safe: each peer connection owns one.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int failures;

    Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 1 <= min <= max, was min=" + minMillis + " max=" + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The delay before the next attempt, in milliseconds; each call counts one more failure. */
    long nextDelayMillis() {
        long ceiling = minMillis << Math.min(failures, 30);
        if (ceiling > maxMillis || ceiling <= 0) {
            ceiling = maxMillis;
        } else {
            failures++;
        }
        long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
    }

    /** Forgets past failures, after a successful connection. */
    void reset() {
        failures = 0;
    }
}
