package io.kommander;

import io.kommander.discovery.Endpoints;

/**
 * A node's configuration. Build with {@link #builder()}; every setting has a default (see
 * {@code docs/configuration.md}), and {@link Builder#build()} validates the result.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodeId                    this node's numeric id, unique in the cluster (&gt;= 1); by default derived from
 *                                  the endpoint (see {@link Builder#nodeId})
 * @param nodeName                  a name for logs and thread names
 * @param host                      the host peers reach this node at
 * @param port                      the port peers reach this node at
 * @param clusterId                 the cluster's id; transports refuse peers of another cluster
 * @param initialPartitions         user partitions created the first time the cluster starts (1..65535)
 * @param heartbeatIntervalMillis   how often a leader sends heartbeats; also the timer tick
 * @param electionTimeoutMinMillis  lower bound of the randomized election timeout
 * @param electionTimeoutMaxMillis  upper bound of the randomized election timeout
 * @param electionSeed              seed of the randomized timeouts (same seed, same draws)
 * @param checkLeaderIntervalMillis how long a leader waits without hearing from a quorum before stepping down
 * @param walReadWorkers            threads that read the WAL (recovery, catch-up)
 * @param walWriteWorkers           threads that write the WAL (each write is a group commit)
 * @param executorPoolSize          threads shared by all partition executors
 * @param maxClientQueue            client operations queued per partition before ProposalQueueFull
 * @param maxInflightAppends        AppendLogs in flight per follower (the pipeline window)
 * @param maxEntriesPerAppend       entries per AppendLogs message
 * @param maxBytesPerAppend         payload bytes per AppendLogs message (at least one entry is sent); the node caps
 *                                  it at what its transport carries in one batch
 * @param maxEntryBytes             the largest entry {@code replicateLogs} accepts: payload plus type in UTF-8
 *                                  ({@link io.kommander.wal.LogEntry#contentBytes}); must fit, with its headers, in
 *                                  one batch of the node's transport
 * @param maxProposalBytes          the largest sum of entry sizes one {@code replicateLogs} call accepts
 * @param maxPartitionsPerWalWrite  partitions grouped into one WAL write (one sync); also the node's replicas that
 *                                  may stand for election at once (each campaign syncs its term and vote)
 * @param logCacheEntries           committed entries kept in memory per partition to serve followers without
 *                                  reading the WAL
 * @param logCacheBytes             the most bytes ({@link io.kommander.wal.LogEntry#sizeEstimate}) of those
 *                                  committed entries per partition: large entries held for seconds would be copied
 *                                  by every young garbage collection they survive, and those pauses are the tail of
 *                                  large writes
 * @param proposalTimeoutMillis     how long a write may wait for commitment before ProposalTimeout
 * @param proposalTimeToLiveMillis  how long a manual proposal may stay open (neither committed nor rolled back)
 *                                  before its leader rolls it back
 * @param compactionEnabled         whether entries at or below the last checkpoint are removed from the WAL
 * @param compactionIntervalMillis  how often compaction runs
 * @param maxClientSessions         client sessions (of idempotent writes) kept per partition; must be the same on
 *                                  every node
 * @param sessionResults            results of recent requests kept per client session; must be the same on every
 *                                  node
 * @param sessionTtlMillis          log time a client session may go without a request before it expires; must be
 *                                  the same on every node
 * @param snapshotRetentionEntries  with an {@link IRaftStateMachineTransfer}: committed entries kept behind the commit
 *                                  index for lagging members; compaction passes a member further behind (it is rebuilt
 *                                  by snapshot). Without one, compaction waits for every member as before
 * @param snapshotChunkBytes        bytes per InstallSnapshot chunk; the node caps it at what its transport carries
 *                                  in one batch
 * @param snapshotBytesPerSecond    snapshot bytes this node sends per second, over all partitions and followers
 * @param snapshotRetentionBytes    with an {@link IRaftStateMachineTransfer}: the most bytes of committed entries kept
 *                                  behind the commit index for lagging members; compaction passes a member when this
 *                                  or {@code snapshotRetentionEntries} is exceeded
 * @param promotionLagEntries       how far behind its leader's commit index a learner may be, on every partition, to
 *                                  ask to become a voter
 * @param membershipTimeoutMillis   the bound of each membership request (join, promotion, leave, removal), retries
 *                                  included
 * @param membershipRetryMillis     how long one attempt of a membership request waits for an answer before it is sent
 *                                  again, toward the newest leader hint
 * @param membershipBackoffMillis   how long a membership request waits after "try again later" (no leader yet, another
 *                                  change in progress) before its next attempt
 * @param membershipReconcileIntervalMillis how often each node moves the configurations of the partitions it leads
 *                                  toward the roster (it also does on every roster change)
 * @param joinExisting              whether this node joins a running cluster: its discovery list names seeds (any
 *                                  members), and it enters the roster as a learner, then a voter, instead of
 *                                  forming a cluster with the listed nodes; ignored once its WAL holds the cluster's
 *                                  system partition (a restart)
 * @param quiesceAfterHeartbeats    heartbeat intervals a partition must stay idle (nothing to replicate, every
 *                                  follower holding the whole log and commit) before it quiesces: no ticks, no
 *                                  per-partition heartbeats, followers' election timers stopped; 0 turns quiescence
 *                                  off (see {@code docs/scale.md})
 * @param replicationFactor         how many members host each user partition (R; each partition gets
 *                                  {@code min(R, N)} of the N voters); cluster-wide: the value the cluster's first
 *                                  leader of partition 0 writes there counts, a later node's own is ignored (see
 *                                  {@code docs/partitions.md})
 * @param leaderBalancing           whether this node hands the leadership of each partition it leads to the
 *                                  partition's preferred leader (the map's leader preference, placed evenly) once
 *                                  that member is up and caught up; off, leadership stays wherever an election or a
 *                                  {@code transferLeadership} put it
 */
public record RaftConfiguration(
        int nodeId,
        String nodeName,
        String host,
        int port,
        String clusterId,
        int initialPartitions,
        long heartbeatIntervalMillis,
        long electionTimeoutMinMillis,
        long electionTimeoutMaxMillis,
        long electionSeed,
        long checkLeaderIntervalMillis,
        int walReadWorkers,
        int walWriteWorkers,
        int executorPoolSize,
        int maxClientQueue,
        int maxInflightAppends,
        int maxEntriesPerAppend,
        int maxBytesPerAppend,
        int maxEntryBytes,
        int maxProposalBytes,
        int maxPartitionsPerWalWrite,
        int logCacheEntries,
        long logCacheBytes,
        long proposalTimeoutMillis,
        long proposalTimeToLiveMillis,
        boolean compactionEnabled,
        long compactionIntervalMillis,
        int maxClientSessions,
        int sessionResults,
        long sessionTtlMillis,
        long snapshotRetentionEntries,
        int snapshotChunkBytes,
        long snapshotBytesPerSecond,
        long snapshotRetentionBytes,
        long promotionLagEntries,
        long membershipTimeoutMillis,
        long membershipRetryMillis,
        long membershipBackoffMillis,
        long membershipReconcileIntervalMillis,
        boolean joinExisting,
        int quiesceAfterHeartbeats,
        int replicationFactor,
        boolean leaderBalancing) {

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** This node's endpoint, {@code host:port}: its identity in the cluster. */
    public String endpoint() {
        return Endpoints.of(host, port);
    }

    /** Returns a builder initialised from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.nodeId = nodeId;
        b.nodeName = nodeName;
        b.host = host;
        b.port = port;
        b.clusterId = clusterId;
        b.initialPartitions = initialPartitions;
        b.heartbeatIntervalMillis = heartbeatIntervalMillis;
        b.electionTimeoutMinMillis = electionTimeoutMinMillis;
        b.electionTimeoutMaxMillis = electionTimeoutMaxMillis;
        b.electionSeed = electionSeed;
        b.checkLeaderIntervalMillis = checkLeaderIntervalMillis;
        b.walReadWorkers = walReadWorkers;
        b.walWriteWorkers = walWriteWorkers;
        b.executorPoolSize = executorPoolSize;
        b.maxClientQueue = maxClientQueue;
        b.maxInflightAppends = maxInflightAppends;
        b.maxEntriesPerAppend = maxEntriesPerAppend;
        b.maxBytesPerAppend = maxBytesPerAppend;
        b.maxEntryBytes = maxEntryBytes;
        b.maxProposalBytes = maxProposalBytes;
        b.maxPartitionsPerWalWrite = maxPartitionsPerWalWrite;
        b.logCacheEntries = logCacheEntries;
        b.logCacheBytes = logCacheBytes;
        b.proposalTimeoutMillis = proposalTimeoutMillis;
        b.proposalTimeToLiveMillis = proposalTimeToLiveMillis;
        b.compactionEnabled = compactionEnabled;
        b.compactionIntervalMillis = compactionIntervalMillis;
        b.maxClientSessions = maxClientSessions;
        b.sessionResults = sessionResults;
        b.sessionTtlMillis = sessionTtlMillis;
        b.snapshotRetentionEntries = snapshotRetentionEntries;
        b.snapshotChunkBytes = snapshotChunkBytes;
        b.snapshotBytesPerSecond = snapshotBytesPerSecond;
        b.snapshotRetentionBytes = snapshotRetentionBytes;
        b.promotionLagEntries = promotionLagEntries;
        b.membershipTimeoutMillis = membershipTimeoutMillis;
        b.membershipRetryMillis = membershipRetryMillis;
        b.membershipBackoffMillis = membershipBackoffMillis;
        b.membershipReconcileIntervalMillis = membershipReconcileIntervalMillis;
        b.joinExisting = joinExisting;
        b.quiesceAfterHeartbeats = quiesceAfterHeartbeats;
        b.replicationFactor = replicationFactor;
        b.leaderBalancing = leaderBalancing;
        return b;
    }

    /**
     * Checks every rule.
     *
     * @throws RaftConfigurationException naming the first field that breaks a rule, and the rule
     */
    public void validate() {
        ConfigurationRules.check(this);
    }

    /** Whether idle partitions quiesce ({@link #quiesceAfterHeartbeats} is not 0). */
    public boolean quiescence() {
        return quiesceAfterHeartbeats > 0;
    }

    /** Builds a {@link RaftConfiguration}; not thread-safe. */
    public static final class Builder {
        private Integer nodeId;
        private String nodeName;
        private String host = "127.0.0.1";
        private int port = 7001;
        private String clusterId = "kommander";
        private int initialPartitions = 8;
        private long heartbeatIntervalMillis = 100;
        private long electionTimeoutMinMillis = 1000;
        private long electionTimeoutMaxMillis = 2000;
        private Long electionSeed;
        private Long checkLeaderIntervalMillis;
        private int walReadWorkers = 2;
        private int walWriteWorkers = 2;
        private int executorPoolSize = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int maxClientQueue = 10_000;
        private int maxInflightAppends = 64;
        private int maxEntriesPerAppend = 1024;
        private int maxBytesPerAppend = 1 << 20;
        private int maxEntryBytes = 1 << 20;
        private int maxProposalBytes = 16 << 20;
        private int maxPartitionsPerWalWrite = 256;
        private int logCacheEntries = 4096;
        private long logCacheBytes = 256 << 10;
        private long proposalTimeoutMillis = 10_000;
        private long proposalTimeToLiveMillis = 60_000;
        private boolean compactionEnabled = true;
        private long compactionIntervalMillis = 30_000;
        private long snapshotRetentionEntries = 10_000;
        private int snapshotChunkBytes = 256 << 10;
        private long snapshotBytesPerSecond = 32L << 20;
        private int maxClientSessions = 1024;
        private int sessionResults = 16;
        private long sessionTtlMillis = 600_000;
        private long snapshotRetentionBytes = 256L << 20;
        private long promotionLagEntries = 100;
        private long membershipTimeoutMillis = 60_000;
        private long membershipRetryMillis = 500;
        private long membershipBackoffMillis = 100;
        private Long membershipReconcileIntervalMillis;
        private boolean joinExisting;
        private int quiesceAfterHeartbeats = 10;
        private int replicationFactor = 3;
        private boolean leaderBalancing = true;

        private Builder() {
        }

        /**
         * This node's numeric id, unique among the members. By default it is derived from the endpoint
         * ({@code host:port}): its FNV-1a 32-bit hash over UTF-8, keeping the low 31 bits (0 becomes 1). Distinct
         * endpoints almost always give distinct ids; two members whose ids collide, or that are given the same id,
         * refuse each other when they first connect.
         */
        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** A name for logs and threads (default {@code node-<nodeId>}). */
        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        /** The host peers reach this node at (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port peers reach this node at (default 7001). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The cluster's id (default "kommander"). */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** User partitions created when the cluster first starts (default 8). */
        public Builder initialPartitions(int initialPartitions) {
            this.initialPartitions = initialPartitions;
            return this;
        }

        /** Heartbeat interval and timer tick (default 100 ms). */
        public Builder heartbeatIntervalMillis(long millis) {
            this.heartbeatIntervalMillis = millis;
            return this;
        }

        /** Randomized election timeout range (default 1000..2000 ms). */
        public Builder electionTimeoutMillis(long min, long max) {
            this.electionTimeoutMinMillis = min;
            this.electionTimeoutMaxMillis = max;
            return this;
        }

        /** Seed of randomized timeouts (default derived from the node id). */
        public Builder electionSeed(long seed) {
            this.electionSeed = seed;
            return this;
        }

        /** How long a leader may go without hearing from a quorum (default: the election timeout's maximum). */
        public Builder checkLeaderIntervalMillis(long millis) {
            this.checkLeaderIntervalMillis = millis;
            return this;
        }

        /** WAL reader threads (default 2). */
        public Builder walReadWorkers(int workers) {
            this.walReadWorkers = workers;
            return this;
        }

        /** WAL writer threads (default 2). */
        public Builder walWriteWorkers(int workers) {
            this.walWriteWorkers = workers;
            return this;
        }

        /** Threads shared by every partition executor (default: the number of processors, at least 2). */
        public Builder executorPoolSize(int threads) {
            this.executorPoolSize = threads;
            return this;
        }

        /** Client operations queued per partition before ProposalQueueFull (default 10,000). */
        public Builder maxClientQueue(int max) {
            this.maxClientQueue = max;
            return this;
        }

        /** AppendLogs in flight per follower (default 64). */
        public Builder maxInflightAppends(int max) {
            this.maxInflightAppends = max;
            return this;
        }

        /** Entries per AppendLogs (default 1024). */
        public Builder maxEntriesPerAppend(int max) {
            this.maxEntriesPerAppend = max;
            return this;
        }

        /** Payload bytes per AppendLogs (default 1 MiB). */
        public Builder maxBytesPerAppend(int max) {
            this.maxBytesPerAppend = max;
            return this;
        }

        /**
         * The largest entry {@code replicateLogs} accepts, counted as its payload plus its type in UTF-8
         * (default 1 MiB); a larger one completes with {@code EntryTooLarge} and nothing is appended. The node
         * refuses to build if such an entry, with its headers, would not fit in one batch of its transport.
         */
        public Builder maxEntryBytes(int max) {
            this.maxEntryBytes = max;
            return this;
        }

        /**
         * The largest total of entry sizes one {@code replicateLogs} call accepts (default 16 MiB); a larger
         * proposal completes with {@code EntryTooLarge} and nothing is appended.
         */
        public Builder maxProposalBytes(int max) {
            this.maxProposalBytes = max;
            return this;
        }

        /**
         * Partitions per group-committed WAL write (default 256); also how many of the node's replicas may stand for
         * election at once.
         */
        public Builder maxPartitionsPerWalWrite(int max) {
            this.maxPartitionsPerWalWrite = max;
            return this;
        }

        /** Committed entries kept in memory per partition for followers (default 4096). */
        public Builder logCacheEntries(int entries) {
            this.logCacheEntries = entries;
            return this;
        }

        /**
         * The most bytes of applied entries kept in memory per partition for followers (default 256 KiB: 16 entries
         * of 16 KiB, about 750 of 256 B); whichever of this and {@link #logCacheEntries} is reached first bounds
         * the cache. Entries not yet applied are kept whatever their size.
         */
        public Builder logCacheBytes(long bytes) {
            this.logCacheBytes = bytes;
            return this;
        }

        /** How long a write may wait for commitment (default 10 s). */
        public Builder proposalTimeoutMillis(long millis) {
            this.proposalTimeoutMillis = millis;
            return this;
        }

        /**
         * How long a manual proposal may stay open before its leader rolls it back (default 60 s); counted by each
         * leader from when it first sees the proposal open.
         */
        public Builder proposalTimeToLiveMillis(long millis) {
            this.proposalTimeToLiveMillis = millis;
            return this;
        }

        /** Whether entries at or below the last checkpoint are compacted (default true). */
        public Builder compactionEnabled(boolean enabled) {
            this.compactionEnabled = enabled;
            return this;
        }

        /** How often compaction runs (default 30 s). */
        public Builder compactionIntervalMillis(long millis) {
            this.compactionIntervalMillis = millis;
            return this;
        }

        /**
         * Client sessions of idempotent writes kept per partition (default 1024): opening one more evicts the least
         * recently active. Part of the replicated state: use the same value on every node.
         */
        public Builder maxClientSessions(int sessions) {
            this.maxClientSessions = sessions;
            return this;
        }

        /**
         * Results of recent requests kept per client session (default 16): a retry of an older request gets
         * DuplicateTooOld. Part of the replicated state: use the same value on every node.
         */
        public Builder sessionResults(int results) {
            this.sessionResults = results;
            return this;
        }

        /**
         * Log time (the entries' hybrid time) a client session may go without a request before it expires
         * (default 10 minutes). Part of the replicated state: use the same value on every node.
         */
        public Builder sessionTtlMillis(long millis) {
            this.sessionTtlMillis = millis;
            return this;
        }

        /**
         * With an {@link IRaftStateMachineTransfer}: committed entries kept behind the commit index for members that
         * lag (default 10,000); compaction passes a member further behind, which is then rebuilt by snapshot. Without
         * one it has no effect: compaction waits for every member.
         */
        public Builder snapshotRetentionEntries(long entries) {
            this.snapshotRetentionEntries = entries;
            return this;
        }

        /** Bytes per InstallSnapshot chunk (default 256 KiB); capped at what the transport carries in one batch. */
        public Builder snapshotChunkBytes(int bytes) {
            this.snapshotChunkBytes = bytes;
            return this;
        }

        /**
         * Snapshot bytes this node sends per second, over all its partitions and followers (default 32 MiB), so
         * that a snapshot transfer leaves room for the other partitions' replication.
         */
        public Builder snapshotBytesPerSecond(long bytes) {
            this.snapshotBytesPerSecond = bytes;
            return this;
        }

        /**
         * With an {@link IRaftStateMachineTransfer}: the most bytes of committed entries (as the WAL stores them,
         * about payload plus type plus a few dozen bytes) kept behind the commit index for members that lag (default
         * 256 MiB); compaction passes a member when this or {@link #snapshotRetentionEntries} is exceeded. 0 keeps
         * nothing for them. Without a transfer it has no effect.
         */
        public Builder snapshotRetentionBytes(long bytes) {
            this.snapshotRetentionBytes = bytes;
            return this;
        }

        /**
         * How far behind its leader's commit index a joining (or rebuilt) node may be, on every partition, to ask to
         * become a voter (default 100 entries). Each partition still promotes it only once it holds everything
         * committed there.
         */
        public Builder promotionLagEntries(long entries) {
            this.promotionLagEntries = entries;
            return this;
        }

        /**
         * The bound of each membership request (join, promotion, starting a leave, ending it), retries included
         * (default 60 s); the catch-up of a joining node has no bound, since it follows progress. Not shorter than
         * {@link #membershipRetryMillis}.
         */
        public Builder membershipTimeoutMillis(long millis) {
            this.membershipTimeoutMillis = millis;
            return this;
        }

        /**
         * How long one attempt of a membership request waits for an answer before it is sent again (default 500 ms).
         */
        public Builder membershipRetryMillis(long millis) {
            this.membershipRetryMillis = millis;
            return this;
        }

        /** How long a membership request told "try again later" waits before its next attempt (default 100 ms). */
        public Builder membershipBackoffMillis(long millis) {
            this.membershipBackoffMillis = millis;
            return this;
        }

        /**
         * How often each node moves the configurations of the partitions it leads toward the roster, one member at a
         * time (default: the election timeout's minimum); it also does so on every roster change.
         */
        public Builder membershipReconcileIntervalMillis(long millis) {
            this.membershipReconcileIntervalMillis = millis;
            return this;
        }

        /**
         * Whether this node joins a running cluster (default false: it forms one with the nodes its discovery lists).
         * With true, the discovery list names seeds, any members of the running cluster; {@code joinCluster()} asks
         * them to add this node to the roster, as a learner first and a voter once it has caught up on every
         * partition (see {@code docs/membership.md}). Like etcd's {@code initial-cluster-state=existing}; ignored
         * on a restart, once the node's WAL holds the cluster's system partition.
         */
        public Builder joinExisting(boolean join) {
            this.joinExisting = join;
            return this;
        }

        /**
         * Heartbeat intervals a partition must stay idle before it quiesces (default 10; 0 turns quiescence off,
         * otherwise at least 2). A quiesced partition costs no timer work and sends no heartbeats; the node's
         * one heartbeat per peer keeps its followers asleep while the leader's node lives, and any write, read,
         * message, membership change or transfer wakes it (see {@code docs/scale.md}).
         */
        public Builder quiesceAfterHeartbeats(int heartbeats) {
            this.quiesceAfterHeartbeats = heartbeats;
            return this;
        }

        /**
         * How many members host each user partition (default 3, at least 1, at most 255): with N voters each partition
         * lives on {@code min(R, N)} of them, placed evenly by partition 0's leader. Cluster-wide: the first leader of
         * partition 0 writes its own value into partition 0's log when the cluster first starts (or when an older
         * cluster first runs this version), and every node uses that one; the setting of a node that starts later is
         * ignored (see {@code docs/partitions.md}).
         */
        public Builder replicationFactor(int replicas) {
            this.replicationFactor = replicas;
            return this;
        }

        /**
         * Whether this node hands each partition it leads to the partition's preferred leader (default true). The
         * partition map places leader preferences evenly over the members, so with it on, leaders even out after a
         * cold start, a restart or a member's arrival, and a {@code transferLeadership} to another member is handed
         * back once the preferred leader is up and caught up. Off, leadership stays where elections and transfers
         * put it. Set it alike on every node (see {@code docs/partitions.md}).
         */
        public Builder leaderBalancing(boolean enabled) {
            this.leaderBalancing = enabled;
            return this;
        }

        /**
         * Builds and validates the configuration.
         *
         * @throws RaftConfigurationException naming the field that breaks a rule
         */
        public RaftConfiguration build() {
            int id = nodeId != null ? nodeId : derivedNodeId(Endpoints.of(host, port));
            RaftConfiguration configuration = new RaftConfiguration(id,
                    nodeName != null ? nodeName : "node-" + id, host, port, clusterId, initialPartitions,
                    heartbeatIntervalMillis, electionTimeoutMinMillis, electionTimeoutMaxMillis,
                    electionSeed != null ? electionSeed : 0x5EEDL * 31 + id,
                    checkLeaderIntervalMillis != null ? checkLeaderIntervalMillis : electionTimeoutMaxMillis,
                    walReadWorkers, walWriteWorkers, executorPoolSize, maxClientQueue, maxInflightAppends,
                    maxEntriesPerAppend, maxBytesPerAppend, maxEntryBytes, maxProposalBytes,
                    maxPartitionsPerWalWrite, logCacheEntries, logCacheBytes, proposalTimeoutMillis,
                    proposalTimeToLiveMillis,
                    compactionEnabled, compactionIntervalMillis, maxClientSessions, sessionResults, sessionTtlMillis,
                    snapshotRetentionEntries, snapshotChunkBytes, snapshotBytesPerSecond, snapshotRetentionBytes,
                    promotionLagEntries, membershipTimeoutMillis, membershipRetryMillis, membershipBackoffMillis,
                    membershipReconcileIntervalMillis != null ? membershipReconcileIntervalMillis
                            : electionTimeoutMinMillis,
                    joinExisting, quiesceAfterHeartbeats, replicationFactor, leaderBalancing);
            configuration.validate();
            return configuration;
        }

        /** See {@link #nodeId(int)}: FNV-1a 32 over the endpoint's UTF-8 bytes, low 31 bits, never 0. */
        private static int derivedNodeId(String endpoint) {
            int hash = 0x811c9dc5;
            for (byte b : endpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
            int id = hash & Integer.MAX_VALUE;
            return id == 0 ? 1 : id;
        }
    }
}
