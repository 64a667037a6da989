package io.kommander.bench.load;

import java.util.List;

/**
 * The end-of-run check: did every node deliver every acknowledged write, and did all nodes deliver the same
 * sequence per partition?
 *
 * @param allDelivered     every node delivered every acknowledged id
 * @param sameSequence     per partition, every node delivered the same ids in the same order
 * @param missingPerNode   acknowledged ids a node did not deliver, per node
 * @param deliveredPerNode entries delivered per node
 */
public record Verification(boolean allDelivered, boolean sameSequence, List<Long> missingPerNode,
                           List<Long> deliveredPerNode) {

    /** Whether the run passed both checks. */
    public boolean verified() {
        return allDelivered && sameSequence;
    }
}
