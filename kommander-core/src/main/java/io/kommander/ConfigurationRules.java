package io.kommander;

/**
 * The rules a {@link RaftConfiguration} must follow, checked in a fixed order so that the first broken rule is the
 * one reported.
 */
final class ConfigurationRules {

    private ConfigurationRules() {
    }

    /**
     * Checks every rule (see {@link RaftConfiguration#validate()}).
     *
     * @throws RaftConfigurationException naming the first field that breaks a rule, and the rule
     */
    static void check(RaftConfiguration c) {
        atLeast("nodeId", c.nodeId(), 1);
        notBlank("nodeName", c.nodeName());
        notBlank("host", c.host());
        if (c.host().contains(":")) {
            throw new RaftConfigurationException("host", "must not contain ':' (was '" + c.host() + "')");
        }
        if (c.port() < 1 || c.port() > 65535) {
            throw new RaftConfigurationException("port", "must be in 1..65535 (was " + c.port() + ")");
        }
        notBlank("clusterId", c.clusterId());
        if (c.initialPartitions() < 1 || c.initialPartitions() > 65535) {
            throw new RaftConfigurationException("initialPartitions",
                    "must be in 1..65535 (was " + c.initialPartitions() + ")");
        }
        atLeast("heartbeatIntervalMillis", c.heartbeatIntervalMillis(), 1);
        if (c.electionTimeoutMinMillis() <= c.heartbeatIntervalMillis()) {
            throw new RaftConfigurationException("electionTimeoutMinMillis",
                    "must be greater than heartbeatIntervalMillis (" + c.heartbeatIntervalMillis() + "), was "
                            + c.electionTimeoutMinMillis());
        }
        if (c.electionTimeoutMaxMillis() < c.electionTimeoutMinMillis()) {
            throw new RaftConfigurationException("electionTimeoutMaxMillis",
                    "must be >= electionTimeoutMinMillis (" + c.electionTimeoutMinMillis() + "), was "
                            + c.electionTimeoutMaxMillis());
        }
        if (c.checkLeaderIntervalMillis() < c.electionTimeoutMinMillis()) {
            throw new RaftConfigurationException("checkLeaderIntervalMillis",
                    "must be >= electionTimeoutMinMillis (" + c.electionTimeoutMinMillis() + "), was "
                            + c.checkLeaderIntervalMillis());
        }
        atLeast("walReadWorkers", c.walReadWorkers(), 1);
        atLeast("walWriteWorkers", c.walWriteWorkers(), 1);
        atLeast("executorPoolSize", c.executorPoolSize(), 1);
        atLeast("maxClientQueue", c.maxClientQueue(), 1);
        atLeast("maxInflightAppends", c.maxInflightAppends(), 1);
        atLeast("maxEntriesPerAppend", c.maxEntriesPerAppend(), 1);
        atLeast("maxBytesPerAppend", c.maxBytesPerAppend(), 1);
        atLeast("maxEntryBytes", c.maxEntryBytes(), 1);
        if (c.maxProposalBytes() < c.maxEntryBytes()) {
            throw new RaftConfigurationException("maxProposalBytes",
                    "must be >= maxEntryBytes (" + c.maxEntryBytes() + "), was " + c.maxProposalBytes());
        }
        atLeast("maxPartitionsPerWalWrite", c.maxPartitionsPerWalWrite(), 1);
        atLeast("logCacheEntries", c.logCacheEntries(), 0);
        atLeast("logCacheBytes", c.logCacheBytes(), 0);
        atLeast("proposalTimeoutMillis", c.proposalTimeoutMillis(), 1);
        atLeast("proposalTimeToLiveMillis", c.proposalTimeToLiveMillis(), 1);
        atLeast("compactionIntervalMillis", c.compactionIntervalMillis(), 1);
        atLeast("maxClientSessions", c.maxClientSessions(), 1);
        atLeast("sessionResults", c.sessionResults(), 1);
        atLeast("sessionTtlMillis", c.sessionTtlMillis(), 1);
        atLeast("snapshotRetentionEntries", c.snapshotRetentionEntries(), 0);
        atLeast("snapshotChunkBytes", c.snapshotChunkBytes(), 1);
        atLeast("snapshotBytesPerSecond", c.snapshotBytesPerSecond(), 1);
        atLeast("snapshotRetentionBytes", c.snapshotRetentionBytes(), 0);
        atLeast("promotionLagEntries", c.promotionLagEntries(), 0);
        atLeast("membershipRetryMillis", c.membershipRetryMillis(), 1);
        atLeast("membershipBackoffMillis", c.membershipBackoffMillis(), 1);
        atLeast("membershipReconcileIntervalMillis", c.membershipReconcileIntervalMillis(), 1);
        if (c.membershipTimeoutMillis() < c.membershipRetryMillis()) {
            throw new RaftConfigurationException("membershipTimeoutMillis",
                    "must be >= membershipRetryMillis (" + c.membershipRetryMillis() + "), was "
                            + c.membershipTimeoutMillis());
        }
        if (c.replicationFactor() < 1 || c.replicationFactor() > 255) {
            throw new RaftConfigurationException("replicationFactor",
                    "must be between 1 and 255 (was " + c.replicationFactor() + ")");
        }
        if (c.quiesceAfterHeartbeats() != 0 && c.quiesceAfterHeartbeats() < 2) {
            // One idle heartbeat proves nothing: the followers' acknowledgements of the whole log come a tick later.
            throw new RaftConfigurationException("quiesceAfterHeartbeats",
                    "must be 0 (quiescence off) or >= 2 (was " + c.quiesceAfterHeartbeats() + ")");
        }
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new RaftConfigurationException(field, "must be >= " + min + " (was " + value + ")");
        }
    }

    private static void notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new RaftConfigurationException(field, "must not be empty");
        }
    }
}
