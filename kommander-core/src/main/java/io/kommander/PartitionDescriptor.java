package io.kommander;

import java.util.List;
import java.util.Objects;

/**
 * One partition as the partition map describes it. Immutable.
 *
 * @param id               the partition's id; never reused, even after the partition is removed
 * @param range            the key-hash range it owns, or null if it is unrouted (addressed by id only)
 * @param generation       grows with every change to its range, replicas or state (not with a change of its leader
 *                         preference alone); a write addressed with an older one is refused with
 *                         {@link RaftOperationStatus#PartitionMoved}
 * @param state            where it is in its life
 * @param replicas         the endpoints that host it; empty means every member of the roster (a cluster of no more
 *                         voters than its replication factor)
 * @param leaderPreference the endpoints it would rather be led by, best first; may be empty
 */
public record PartitionDescriptor(int id, PartitionRange range, long generation, PartitionState state,
                                  List<String> replicas, List<String> leaderPreference) {

    /**
     * Canonical constructor; copies the lists.
     *
     * @throws IllegalArgumentException if the id is not positive or the generation is below 1
     */
    public PartitionDescriptor {
        if (id < 1) {
            throw new IllegalArgumentException("a user partition's id is at least 1: " + id);
        }
        if (generation < 1) {
            throw new IllegalArgumentException("a generation is at least 1: " + generation);
        }
        Objects.requireNonNull(state, "state");
        replicas = List.copyOf(replicas);
        leaderPreference = List.copyOf(leaderPreference);
    }

    /** An active partition on every member, generation 1. */
    public static PartitionDescriptor active(int id, PartitionRange range) {
        return new PartitionDescriptor(id, range, 1, PartitionState.ACTIVE, List.of(), List.of());
    }

    /** Whether keys route to it ({@code range != null}) rather than addressing it by id only. */
    public boolean routed() {
        return range != null;
    }

    /**
     * The same partition on other replicas (empty: every member) and leader preference: one generation on if its
     * replicas change, the same generation if only its leader preference does (a preference moves no data, so writes
     * addressed with the current generation stay valid).
     */
    public PartitionDescriptor withPlacement(List<String> nextReplicas, List<String> nextLeaderPreference) {
        long next = List.copyOf(nextReplicas).equals(replicas) ? generation : generation + 1;
        return new PartitionDescriptor(id, range, next, state, nextReplicas, nextLeaderPreference);
    }

    /** Whether {@code endpoint} hosts it: it is among its replicas, or the replicas are every member. */
    public boolean hostedBy(String endpoint) {
        return replicas.isEmpty() || replicas.contains(endpoint);
    }

    /** The same partition in another state, one generation on. */
    public PartitionDescriptor withState(PartitionState next) {
        return new PartitionDescriptor(id, range, generation + 1, next, replicas, leaderPreference);
    }
}
