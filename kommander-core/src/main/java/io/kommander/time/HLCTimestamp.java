package io.kommander.time;

/**
 * A hybrid logical clock reading: physical milliseconds, a logical counter that orders events within one
 * millisecond, and the id of the node whose clock issued it. Proposals are identified by the leader's timestamp at
 * proposal time (their <em>ticket</em>). The node id makes tickets of two nodes differ even when their clocks read
 * the same; a node's clock takes in the time of every entry it appends or restores, so its own tickets also
 * follow every ticket in its log. Together they keep a ticket unique in its partition.
 *
 * <p>Immutable and thread-safe. Natural order is (physical, counter, node).
 *
 * @param physical milliseconds since the epoch of the clock that produced it
 * @param counter  logical counter within {@code physical}
 * @param node     the id of the node that issued it ({@code RaftConfiguration.nodeId()}); 0 in {@link #ZERO} and in
 *                 entries written before timestamps carried a node
 */
public record HLCTimestamp(long physical, long counter, int node) implements Comparable<HLCTimestamp> {

    /** The zero timestamp, lower than any reading. */
    public static final HLCTimestamp ZERO = new HLCTimestamp(0, 0, 0);

    @Override
    public int compareTo(HLCTimestamp other) {
        int byPhysical = Long.compare(physical, other.physical);
        if (byPhysical != 0) {
            return byPhysical;
        }
        int byCounter = Long.compare(counter, other.counter);
        return byCounter != 0 ? byCounter : Integer.compare(node, other.node);
    }

    /** Whether this timestamp is the {@link #ZERO} timestamp. */
    public boolean isZero() {
        return physical == 0 && counter == 0 && node == 0;
    }

    @Override
    public String toString() {
        return physical + ":" + counter + "@" + node;
    }
}
