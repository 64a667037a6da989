package io.kommander;

/** Told when a {@link ReplicationListener} returned false or threw. Runs on the partition's executor. */
@FunctionalInterface
public interface ReplicationErrorListener {
    /**
     * @param partition the partition
     * @param log       the entry the application failed to handle
     * @param error     what the listener threw, or null if it returned false
     */
    void onReplicationError(int partition, RaftLog log, Throwable error);
}
