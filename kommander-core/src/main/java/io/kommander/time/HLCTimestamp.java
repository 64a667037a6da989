package io.kommander.time;

/**
 * A hybrid logical clock reading: physical milliseconds plus a logical counter that orders events within one
 * millisecond. Proposals are identified by the leader's timestamp at proposal time (their <em>ticket</em>).
 *
 * <p>Immutable and thread-safe. Natural order is (physical, counter).
 *
 * @param physical milliseconds since the epoch of the clock that produced it
 * @param counter  logical counter within {@code physical}
 */
public record HLCTimestamp(long physical, long counter) implements Comparable<HLCTimestamp> {

    /** The zero timestamp, lower than any reading. */
    public static final HLCTimestamp ZERO = new HLCTimestamp(0, 0);

    @Override
    public int compareTo(HLCTimestamp other) {
        int byPhysical = Long.compare(physical, other.physical);
        return byPhysical != 0 ? byPhysical : Long.compare(counter, other.counter);
    }

    /** Whether this timestamp is the {@link #ZERO} timestamp. */
    public boolean isZero() {
        return physical == 0 && counter == 0;
    }

    @Override
    public String toString() {
        return physical + ":" + counter;
    }
}
