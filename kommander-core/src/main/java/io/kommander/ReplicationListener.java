package io.kommander;

/**
 * Receives committed entries. Runs on the partition's executor: it must not block, and it sees each entry of a
 * partition exactly once per node lifetime, in index order.
 */
@FunctionalInterface
public interface ReplicationListener {
    /**
     * Handles one delivered entry.
     *
     * @return true if the application handled it; false reports it through {@code onReplicationError}
     */
    boolean onReplication(int partition, RaftLog log);
}
