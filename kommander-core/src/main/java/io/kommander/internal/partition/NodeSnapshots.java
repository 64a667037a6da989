package io.kommander.internal.partition;

import io.kommander.IRaftStateMachineTransfer;

/**
 * What a node's partitions share for snapshots: the application's {@link IRaftStateMachineTransfer} (null if it
 * has none) and the node's send budget.
 *
 * @param transfer the application's snapshots, or null: every partition keeps the checkpoint model
 * @param throttle the node's snapshot bytes per second
 */
public record NodeSnapshots(IRaftStateMachineTransfer transfer, SnapshotThrottle throttle) {

    /** A node without snapshots. */
    public static final NodeSnapshots NONE = new NodeSnapshots(null, null);

    /** Whether partition {@code partition} is transferred by snapshot (user partitions only). */
    public boolean enabledFor(int partition) {
        return transfer != null && partition != 0 && transfer.transfers(partition);
    }
}
