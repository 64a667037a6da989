package io.kommander.internal.partition;

import io.kommander.IRaftStateMachineTransfer;

/**
 * What a node's partitions share for snapshots: the application's {@link IRaftStateMachineTransfer} (null if it
 * has none) and the node's send budget.
 *
 * @param transfer the application's snapshots, or null: every partition keeps the checkpoint model
 * @param throttle the node's snapshot bytes per second
 * @param hold     when a replica keeps its whole log (a split or merge under way), whichever model it follows
 */
public record NodeSnapshots(IRaftStateMachineTransfer transfer, SnapshotThrottle throttle, CompactionHold hold) {

    /** A node without snapshots. */
    public static final NodeSnapshots NONE = new NodeSnapshots(null, null);

    /** A node's snapshots with no compaction hold (a node without splits and merges). */
    public NodeSnapshots(IRaftStateMachineTransfer transfer, SnapshotThrottle throttle) {
        this(transfer, throttle, CompactionHold.NONE);
    }

    /** Whether partition {@code partition} is transferred by snapshot (user partitions only). */
    public boolean enabledFor(int partition) {
        return transfer != null && partition != 0 && transfer.transfers(partition);
    }
}
