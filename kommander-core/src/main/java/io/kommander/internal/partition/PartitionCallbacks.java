package io.kommander.internal.partition;

import io.kommander.RaftLog;

/**
 * What a partition tells its node. Called on the partition's executor; implementations must not block.
 */
public interface PartitionCallbacks {
    /** A committed entry, delivered exactly once per node lifetime, in index order. */
    void delivered(int partition, RaftLog log);

    /** An entry delivered before the restart, replayed during restore. */
    void restored(int partition, RaftLog log);

    /** The partition's known leader changed (null: none known). */
    void leaderChanged(int partition, String leader);

    /** The partition started restoring from the WAL. */
    void restoreStarted(int partition);

    /** The partition finished restoring and takes part in the cluster. */
    void restoreFinished(int partition);

    /**
     * The partition finished a batch of work; the system coordinator uses it to act on partition 0.
     *
     * @param readyLeader whether this node leads the partition and has applied its barrier entry
     */
    void drained(RaftPartition partition, boolean readyLeader);
}
