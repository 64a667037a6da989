package io.kommander;

/**
 * The outcome of {@link IRaft#createPartition}, {@link IRaft#removePartition}, {@link IRaft#splitPartition} or
 * {@link IRaft#mergePartitions}.
 *
 * @param status     {@link RaftOperationStatus#Success} once the change committed and was applied on the node that
 *                   took it, else why not
 * @param partitionId the partition concerned (the new one for a create or a split, the survivor for a merge), or 0 when the change was refused before
 *                    one was chosen
 * @param partition   the partition as this node's map has it after the change, or null when this node has not
 *                    applied the change yet (it will: see {@link IRaft#onPartitionMapChanged}) or none was chosen
 * @param leaderHint  the system partition's leader as the answering node knows it, or null
 */
public record PartitionChangeResult(RaftOperationStatus status, int partitionId, PartitionDescriptor partition,
                                    String leaderHint) {

    /** Whether the change succeeded. */
    public boolean success() {
        return status == RaftOperationStatus.Success;
    }
}
