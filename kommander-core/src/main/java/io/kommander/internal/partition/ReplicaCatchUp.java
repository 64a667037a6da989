package io.kommander.internal.partition;

/**
 * What a partition asks of its node about data loss (see {@link ReplicaVerification}): whether its replica starts
 * unverified, and telling the node that it holds log entries (which the node presents to its peers).
 *
 * <p>Implementations are thread-safe: every partition's executor calls them.
 */
public interface ReplicaCatchUp {

    /** A node that never lost data: replicas start verified. */
    ReplicaCatchUp NONE = new ReplicaCatchUp() {
        @Override
        public boolean replicasStartUnverified(int partition) {
            return false;
        }

        @Override
        public void holdsEntries() {
        }
    };

    /**
     * The WAL metadata key that marks partition {@code partition}'s replica verified, so that a replica that caught
     * up stays verified across restarts of a node that is still catching up.
     */
    static String metadataKey(int partition) {
        return "catch-up/" + partition;
    }

    /**
     * Whether {@code partition}'s replica, restoring now, starts unverified (unless its own mark says it caught up):
     * the node started with an empty WAL and has not decided that this is the cluster's first start, and the
     * partition is not one created online with this very incarnation among its first voters.
     */
    boolean replicasStartUnverified(int partition);

    /** A replica of this node holds at least one log entry. */
    void holdsEntries();
}
