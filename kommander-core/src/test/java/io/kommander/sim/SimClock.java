package io.kommander.sim;

/**
 * One simulated machine's clocks; they outlive the node's incarnations, as a machine's do. The oscillator runs at
 * the node's drift over virtual time and stops while the node is paused. The wall clock adds the node's skew and
 * every step an operator or NTP made to it; steps never reach the monotonic clock.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimClock {

    private final SimScheduler scheduler;
    private final int node;
    private final long skewMillis;
    private final double rate;
    private long stepsMillis;

    /**
     * @param scheduler  the run's virtual time
     * @param node       the node whose pauses stop this clock
     * @param skewMillis the wall clock's offset from virtual time
     * @param rate       the oscillator's speed relative to virtual time (drift)
     */
    SimClock(SimScheduler scheduler, int node, long skewMillis, double rate) {
        this.scheduler = scheduler;
        this.node = node;
        this.skewMillis = skewMillis;
        this.rate = rate;
    }

    /** Milliseconds the oscillator has counted: never steps, stands still while the node is paused. */
    long monotonicMillis() {
        return (long) ((scheduler.now() - scheduler.stoppedMillis(node)) * rate);
    }

    /** The wall clock: the oscillator plus the skew and every step so far. */
    long wallMillis() {
        return skewMillis + stepsMillis + monotonicMillis();
    }

    /** Sets the wall clock back (negative) or forward by {@code deltaMillis}. */
    void step(long deltaMillis) {
        stepsMillis += deltaMillis;
    }
}
