package io.kommander.internal.partition;

/**
 * The fixed parts of one partition replica, which its helpers reach through its {@link ReplicaHost} instead of
 * holding a copy each: at 10,000 partitions a node, every reference field a helper repeats costs 40 KB
 * (docs/scale.md).
 */
interface PartitionParts {

    /** The partition id. */
    int id();

    /** The node's services, shared by every partition of the node. */
    PartitionContext context();

    /** Where this partition's events go. */
    PartitionCallbacks callbacks();

    /** The partition's executor: the one owner of its state. */
    RaftPartitionExecutor executor();

    /** The callers' open calls, each answered whatever happens. */
    OpenCalls calls();

    /** The requests the state machine will answer. Executor only. */
    PendingRequests requests();

    /** The state machine's time: monotonic, so a wall-clock step moves no timer (only tickets read the wall). */
    default long now() {
        return context().runtime().monotonicMillis();
    }
}
