package io.kommander.internal.system;

/**
 * The system package's test seams, public so that node-level tests reach what main keeps package-private: planting
 * the known-wrong roster and map rules. It ships only in the test-jar, so production code cannot call it.
 */
public final class SystemSeams {

    private SystemSeams() {
    }

    /** Roster changes are no longer taken one at a time on this coordinator (a negative control). */
    public static void plantMergedChanges(RaftSystemCoordinator coordinator) {
        coordinator.plantMergedChanges();
    }

    /** A split's new half is placed on every member while the split runs, on this coordinator (a negative control). */
    public static void plantSplitHalvesEverywhere(RaftSystemCoordinator coordinator) {
        coordinator.plantSplitHalvesEverywhere();
    }

    /** A create's call is not remembered in partition 0's log on this coordinator (a negative control). */
    public static void plantCreateCallsForgotten(RaftSystemCoordinator coordinator) {
        coordinator.plantCreateCallsForgotten();
    }

    /** Steps that bring a leaving member in stay under way on this balancer (a negative control, seed 24708). */
    public static void plantHoldsMovesToLeavers(ReplicaBalancer balancer) {
        balancer.plantHoldsMovesToLeavers();
    }
}
