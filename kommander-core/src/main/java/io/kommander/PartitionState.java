package io.kommander;

/**
 * Where a partition is in its life, as the partition map says. Only {@link #ACTIVE} partitions take new writes.
 */
public enum PartitionState {
    /** Serving: takes writes and reads. */
    ACTIVE,
    /**
     * Being split ({@link IRaft#splitPartition}): both the source and its new upper half are in this state until the
     * split finishes. The source takes writes until its split entry, and from that entry on refuses every write that
     * names a generation older than the one it gets when the split finishes; the new half takes no write until then.
     */
    SPLITTING,
    /**
     * The survivor of a merge under way ({@link IRaft#mergePartitions}): it keeps serving its own range, and takes
     * the adjacent partition's (which is {@link #DRAINING} meanwhile) when the merge finishes.
     */
    MERGING,
    /**
     * Being removed, or merged into a {@link #MERGING} neighbour: new writes are refused with {@link RaftOperationStatus#PartitionDraining}; writes already
     * appended still commit and are delivered, and manual proposals may still be settled.
     */
    DRAINING,
    /** Gone: every node closed it and deleted its data. Its id is never used again. */
    REMOVED
}
