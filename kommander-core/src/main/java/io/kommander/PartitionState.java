package io.kommander;

/**
 * Where a partition is in its life, as the partition map says. Only {@link #ACTIVE} partitions take new writes.
 */
public enum PartitionState {
    /** Serving: takes writes and reads. */
    ACTIVE,
    /** Being split (not built yet: no partition enters this state today). */
    SPLITTING,
    /**
     * Being removed: new writes are refused with {@link RaftOperationStatus#PartitionDraining}; writes already
     * appended still commit and are delivered, and manual proposals may still be settled.
     */
    DRAINING,
    /** Gone: every node closed it and deleted its data. Its id is never used again. */
    REMOVED
}
