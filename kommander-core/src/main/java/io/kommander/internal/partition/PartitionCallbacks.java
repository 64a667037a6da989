package io.kommander.internal.partition;

import io.kommander.RaftLog;

/**
 * What a partition tells its owner: the node for user partitions, the system coordinator for partition 0. Called
 * on the partition's executor; implementations must not block.
 */
public interface PartitionCallbacks {
    /** A committed entry, delivered exactly once per node lifetime, in index order. */
    void delivered(int partition, RaftLog log);

    /** An entry delivered before the restart, replayed during restore. */
    void restored(int partition, RaftLog log);

    /** The partition's known leader changed (null: none known). */
    void leaderChanged(int partition, String leader);

    /**
     * The partition started restoring from the WAL: once per process lifetime (a restore after a WAL failure is
     * reported through {@link #failed} instead, and replays nothing).
     */
    void restoreStarted(int partition);

    /** The partition finished its first restore and takes part in the cluster. */
    void restoreFinished(int partition);

    /**
     * The partition's WAL failed (a read while restoring, or a write): it restores again in {@code retryInMillis}
     * (0: at once), or gave up if that is -1.
     */
    default void walFailed(int partition, Throwable error, long retryInMillis) {
    }

    /**
     * This node became the partition's leader and applied its barrier entry, so everything committed before its
     * term has been delivered. Called once per leadership (a new term, or a leadership regained after a restore).
     */
    default void leaderReady(int partition) {
    }

    /**
     * The partition stopped after an impossible state ({@code cause}); it answers every call with
     * {@code PartitionFailed} until the node restarts.
     */
    default void partitionFailed(int partition, Throwable cause) {
    }

    /**
     * The replica installed a snapshot received from its leader: the application's state is the snapshot's, and
     * deliveries continue after {@code index}.
     */
    default void snapshotInstalled(int partition, long index) {
    }
}
