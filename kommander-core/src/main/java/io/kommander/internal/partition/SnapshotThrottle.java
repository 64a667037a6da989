package io.kommander.internal.partition;

import java.util.function.LongSupplier;

/**
 * The node's budget of snapshot bytes per second, shared by every partition and follower, so that a snapshot
 * transfer leaves the links to the other partitions' replication. A token bucket holding at most one second's
 * worth: a chunk is sent when the bucket is not in debt, and takes its size (it may take the bucket into debt, so a
 * chunk larger than a second's budget still goes, and the next waits until the debt is paid).
 *
 * <p>Thread-safe: partitions of one node call it from their executors.
 */
public final class SnapshotThrottle {

    private final long bytesPerSecond;
    private final LongSupplier clockMillis;
    private long available;
    private long refilledAt;

    /**
     * @param bytesPerSecond the budget
     * @param clockMillis    a monotonic clock in milliseconds (the runtime's, so the simulator's is virtual)
     */
    public SnapshotThrottle(long bytesPerSecond, LongSupplier clockMillis) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 1, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.clockMillis = clockMillis;
        this.available = bytesPerSecond;
        this.refilledAt = clockMillis.getAsLong();
    }

    /** Takes {@code bytes} from the budget if it is not in debt; returns whether the chunk may be sent now. */
    public synchronized boolean tryTake(int bytes) {
        long now = clockMillis.getAsLong();
        long elapsed = now - refilledAt;
        long earned = elapsed >= 1000 ? bytesPerSecond : (long) ((double) elapsed * bytesPerSecond / 1000);
        if (earned > 0) {
            // Only time that earned something is used up, so frequent calls do not round the budget away.
            available = Math.min(bytesPerSecond, available + earned);
            refilledAt = now;
        }
        if (available <= 0) {
            return false;
        }
        available -= bytes;
        return true;
    }
}
