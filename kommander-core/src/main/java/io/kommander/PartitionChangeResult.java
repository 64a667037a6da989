package io.kommander;

/**
 * The outcome of {@link IRaft#createPartition} or {@link IRaft#removePartition}.
 *
 * @param status     {@link RaftOperationStatus#Success} once the change committed and was applied on the node that
 *                   took it, else why not
 * @param partition  the partition as the map says after the change (the new partition for a create), or null when
 *                   the change was refused before it reached the map
 * @param leaderHint the system partition's leader as the answering node knows it, or null
 */
public record PartitionChangeResult(RaftOperationStatus status, PartitionDescriptor partition, String leaderHint) {

    /** Whether the change succeeded. */
    public boolean success() {
        return status == RaftOperationStatus.Success;
    }
}
