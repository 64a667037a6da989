package io.kommander;

/**
 * Told that this node replaced a partition's state with a snapshot received from its leader (see
 * {@link IRaftStateMachineTransfer}). Runs on the partition's executor.
 */
@FunctionalInterface
public interface SnapshotInstalledListener {
    /**
     * @param partition the partition
     * @param index     the snapshot's boundary: deliveries continue with the entry after it
     */
    void onSnapshotInstalled(int partition, long index);
}
