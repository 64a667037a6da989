package io.kommander;

/**
 * Told when a user partition's WAL failed on this node: a read while it restored, or a write. The partition then
 * restores from the WAL again (the application receives nothing twice), after a back-off, at most five times in a
 * row without a successful write in between; then it gives up and answers
 * {@link RaftOperationStatus#PartitionUnavailable} until the node restarts. Runs on the partition's executor; must
 * not block.
 */
@FunctionalInterface
public interface PartitionUnavailableListener {
    /**
     * @param partition     the partition
     * @param error         what the WAL threw
     * @param retryInMillis when the partition restores again (0: at once), or -1 if it gave up
     */
    void onPartitionUnavailable(int partition, Throwable error, long retryInMillis);
}
