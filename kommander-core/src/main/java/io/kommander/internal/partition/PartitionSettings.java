package io.kommander.internal.partition;

import io.kommander.RaftConfiguration;

/**
 * The settings one partition's state machine reads, taken from the node's {@link RaftConfiguration}.
 *
 * @param heartbeatMillis     heartbeat interval
 * @param electionMinMillis   lower bound of the randomized election timeout
 * @param electionMaxMillis   upper bound of the randomized election timeout
 * @param checkQuorumMillis   how long a leader may go without hearing from a quorum
 * @param maxInflight         AppendLogs in flight per follower
 * @param maxEntriesPerAppend entries per AppendLogs
 * @param maxBytesPerAppend   payload bytes per AppendLogs
 * @param logCacheEntries     applied entries kept in memory
 * @param proposalTimeoutMillis time a write may wait for commitment
 */
public record PartitionSettings(long heartbeatMillis, long electionMinMillis, long electionMaxMillis,
                                long checkQuorumMillis, int maxInflight, int maxEntriesPerAppend,
                                int maxBytesPerAppend, int logCacheEntries, long proposalTimeoutMillis) {

    /** The settings of a node's configuration. */
    public static PartitionSettings of(RaftConfiguration c) {
        return new PartitionSettings(c.heartbeatIntervalMillis(), c.electionTimeoutMinMillis(),
                c.electionTimeoutMaxMillis(), c.checkLeaderIntervalMillis(), c.maxInflightAppends(),
                c.maxEntriesPerAppend(), c.maxBytesPerAppend(), c.logCacheEntries(), c.proposalTimeoutMillis());
    }
}
