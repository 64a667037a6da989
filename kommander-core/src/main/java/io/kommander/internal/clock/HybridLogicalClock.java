package io.kommander.internal.clock;

import io.kommander.time.HLCTimestamp;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al.): monotonic timestamps close to physical time that also respect
 * causality when {@link #receive(HLCTimestamp) updated} with the readings of other nodes. Every reading carries
 * this node's id, so two nodes never issue equal timestamps.
 *
 * <p>Thread-safe. Physical time comes from the supplied clock, so tests and the simulator can drive it.
 */
public final class HybridLogicalClock {

    private final LongSupplier physicalClock;
    private final int node;
    private long lastPhysical;
    private long lastCounter;

    /**
     * Creates a clock over the given physical time source.
     *
     * @param physicalClock milliseconds; need not be monotonic, this clock never goes back
     * @param node          the id of the node this clock belongs to, carried by every reading
     */
    public HybridLogicalClock(LongSupplier physicalClock, int node) {
        this.physicalClock = physicalClock;
        this.node = node;
    }

    /** Returns a timestamp strictly greater than every one this clock returned or received before. */
    public synchronized HLCTimestamp now() {
        long physical = physicalClock.getAsLong();
        if (physical > lastPhysical) {
            lastPhysical = physical;
            lastCounter = 0;
        } else {
            lastCounter++;
        }
        return new HLCTimestamp(lastPhysical, lastCounter, node);
    }

    /**
     * Merges a timestamp seen from another node (or read back from the log) and returns a local timestamp greater
     * than both.
     *
     * @param remote the remote reading
     * @return the new local reading
     */
    public synchronized HLCTimestamp receive(HLCTimestamp remote) {
        long physical = physicalClock.getAsLong();
        long maxPhysical = Math.max(physical, Math.max(lastPhysical, remote.physical()));
        long counter;
        if (maxPhysical == lastPhysical && maxPhysical == remote.physical()) {
            counter = Math.max(lastCounter, remote.counter()) + 1;
        } else if (maxPhysical == lastPhysical) {
            counter = lastCounter + 1;
        } else if (maxPhysical == remote.physical()) {
            counter = remote.counter() + 1;
        } else {
            counter = 0;
        }
        lastPhysical = maxPhysical;
        lastCounter = counter;
        return new HLCTimestamp(lastPhysical, lastCounter, node);
    }
}
