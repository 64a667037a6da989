package io.kommander;

/**
 * Told when a partition's replica on this node stops after detecting an impossible state (the node logs it at
 * ERROR too). Runs on the partition's executor; must not block.
 */
@FunctionalInterface
public interface PartitionFailedListener {
    /**
     * @param partition the partition
     * @param cause     what the replica detected
     */
    void onPartitionFailed(int partition, Throwable cause);
}
