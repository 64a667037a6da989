package io.kommander.internal.partition;

import io.kommander.RaftConfiguration;
import io.kommander.internal.session.SessionLimits;

/**
 * The settings one partition's state machine reads, taken from the node's {@link RaftConfiguration}. Built with
 * {@link #builder()}, whose defaults are those of a default configuration, so a test names only what it changes.
 *
 * <p>Immutable and thread-safe.
 */
public final class PartitionSettings {

    private final long heartbeatMillis;
    private final long electionMinMillis;
    private final long electionMaxMillis;
    private final long checkQuorumMillis;
    private final int maxInflight;
    private final int maxEntriesPerAppend;
    private final int maxBytesPerAppend;
    private final int logCacheEntries;
    private final long logCacheBytes;
    private final long proposalTimeoutMillis;
    private final long proposalTimeToLiveMillis;
    private final SessionLimits sessionLimits;
    private final int quiesceAfterTicks;

    private PartitionSettings(Builder b) {
        this.heartbeatMillis = b.heartbeatMillis;
        this.electionMinMillis = b.electionMinMillis;
        this.electionMaxMillis = b.electionMaxMillis;
        this.checkQuorumMillis = b.checkQuorumMillis;
        this.maxInflight = b.maxInflight;
        this.maxEntriesPerAppend = b.maxEntriesPerAppend;
        this.maxBytesPerAppend = b.maxBytesPerAppend;
        this.logCacheEntries = b.logCacheEntries;
        this.logCacheBytes = b.logCacheBytes;
        this.proposalTimeoutMillis = b.proposalTimeoutMillis;
        this.proposalTimeToLiveMillis = b.proposalTimeToLiveMillis;
        this.sessionLimits = b.sessionLimits;
        this.quiesceAfterTicks = b.quiesceAfterTicks;
    }

    /** The settings of a node's configuration. */
    public static PartitionSettings of(RaftConfiguration c) {
        return new Builder()
                .heartbeatMillis(c.heartbeatIntervalMillis())
                .electionMinMillis(c.electionTimeoutMinMillis())
                .electionMaxMillis(c.electionTimeoutMaxMillis())
                .checkQuorumMillis(c.checkLeaderIntervalMillis())
                .maxInflight(c.maxInflightAppends())
                .maxEntriesPerAppend(c.maxEntriesPerAppend())
                .maxBytesPerAppend(c.maxBytesPerAppend())
                .logCacheEntries(c.logCacheEntries())
                .logCacheBytes(c.logCacheBytes())
                .proposalTimeoutMillis(c.proposalTimeoutMillis())
                .proposalTimeToLiveMillis(c.proposalTimeToLiveMillis())
                .sessionLimits(new SessionLimits(c.maxClientSessions(), c.sessionResults(), c.sessionTtlMillis()))
                .quiesceAfterTicks(c.quiesceAfterHeartbeats())
                .build();
    }

    /** A builder holding the settings of a default {@link RaftConfiguration}. */
    public static Builder builder() {
        return Defaults.SETTINGS.toBuilder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder()
                .heartbeatMillis(heartbeatMillis)
                .electionMinMillis(electionMinMillis)
                .electionMaxMillis(electionMaxMillis)
                .checkQuorumMillis(checkQuorumMillis)
                .maxInflight(maxInflight)
                .maxEntriesPerAppend(maxEntriesPerAppend)
                .maxBytesPerAppend(maxBytesPerAppend)
                .logCacheEntries(logCacheEntries)
                .logCacheBytes(logCacheBytes)
                .proposalTimeoutMillis(proposalTimeoutMillis)
                .proposalTimeToLiveMillis(proposalTimeToLiveMillis)
                .sessionLimits(sessionLimits)
                .quiesceAfterTicks(quiesceAfterTicks);
    }

    /** Heartbeat interval. */
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    /** Lower bound of the randomized election timeout. */
    public long electionMinMillis() {
        return electionMinMillis;
    }

    /** Upper bound of the randomized election timeout. */
    public long electionMaxMillis() {
        return electionMaxMillis;
    }

    /** How long a leader may go without hearing from a quorum. */
    public long checkQuorumMillis() {
        return checkQuorumMillis;
    }

    /** AppendLogs in flight per follower. */
    public int maxInflight() {
        return maxInflight;
    }

    /** Entries per AppendLogs. */
    public int maxEntriesPerAppend() {
        return maxEntriesPerAppend;
    }

    /** Payload bytes per AppendLogs. */
    public int maxBytesPerAppend() {
        return maxBytesPerAppend;
    }

    /** Applied entries kept in memory. */
    public int logCacheEntries() {
        return logCacheEntries;
    }

    /** The most bytes of applied entries kept in the cache (size estimates). */
    public long logCacheBytes() {
        return logCacheBytes;
    }

    /** Time a write may wait for commitment. */
    public long proposalTimeoutMillis() {
        return proposalTimeoutMillis;
    }

    /** Time a manual proposal may stay open before its leader rolls it back. */
    public long proposalTimeToLiveMillis() {
        return proposalTimeToLiveMillis;
    }

    /** Bounds of the client sessions of idempotent writes. */
    public SessionLimits sessionLimits() {
        return sessionLimits;
    }

    /** Idle ticks before the partition quiesces; 0 if it never does. */
    public int quiesceAfterTicks() {
        return quiesceAfterTicks;
    }

    @Override
    public String toString() {
        return "PartitionSettings[heartbeatMillis=" + heartbeatMillis + ", electionMinMillis=" + electionMinMillis
                + ", electionMaxMillis=" + electionMaxMillis + ", checkQuorumMillis=" + checkQuorumMillis
                + ", maxInflight=" + maxInflight + ", maxEntriesPerAppend=" + maxEntriesPerAppend
                + ", maxBytesPerAppend=" + maxBytesPerAppend + ", logCacheEntries=" + logCacheEntries
                + ", logCacheBytes=" + logCacheBytes
                + ", proposalTimeoutMillis=" + proposalTimeoutMillis
                + ", proposalTimeToLiveMillis=" + proposalTimeToLiveMillis + ", sessionLimits=" + sessionLimits
                + ", quiesceAfterTicks=" + quiesceAfterTicks + "]";
    }

    /** The default configuration's settings, computed once on first use. */
    private static final class Defaults {
        static final PartitionSettings SETTINGS = of(RaftConfiguration.builder().build());
    }

    /**
     * Builds {@link PartitionSettings}; every setter names its setting. Not thread-safe.
     */
    public static final class Builder {

        private long heartbeatMillis;
        private long electionMinMillis;
        private long electionMaxMillis;
        private long checkQuorumMillis;
        private int maxInflight;
        private int maxEntriesPerAppend;
        private int maxBytesPerAppend;
        private int logCacheEntries;
        /** Unbounded unless set: the entry count alone bounds the cache of settings built by hand (tests). */
        private long logCacheBytes = Long.MAX_VALUE;
        private long proposalTimeoutMillis;
        private long proposalTimeToLiveMillis;
        private SessionLimits sessionLimits;
        private int quiesceAfterTicks;

        private Builder() {
        }

        /** Heartbeat interval; also the leader's tick. */
        public Builder heartbeatMillis(long millis) {
            this.heartbeatMillis = millis;
            return this;
        }

        /** Lower bound of the randomized election timeout. */
        public Builder electionMinMillis(long millis) {
            this.electionMinMillis = millis;
            return this;
        }

        /** Upper bound of the randomized election timeout. */
        public Builder electionMaxMillis(long millis) {
            this.electionMaxMillis = millis;
            return this;
        }

        /** How long a leader may go without hearing from a quorum before it steps down. */
        public Builder checkQuorumMillis(long millis) {
            this.checkQuorumMillis = millis;
            return this;
        }

        /** AppendLogs in flight per follower (the pipeline window). */
        public Builder maxInflight(int appends) {
            this.maxInflight = appends;
            return this;
        }

        /** Entries per AppendLogs. */
        public Builder maxEntriesPerAppend(int entries) {
            this.maxEntriesPerAppend = entries;
            return this;
        }

        /** Payload bytes per AppendLogs (at least one entry is always sent). */
        public Builder maxBytesPerAppend(int bytes) {
            this.maxBytesPerAppend = bytes;
            return this;
        }

        /** Applied entries kept in memory to serve followers without WAL reads. */
        public Builder logCacheEntries(int entries) {
            this.logCacheEntries = entries;
            return this;
        }

        /** See {@link PartitionSettings#logCacheBytes()}. */
        public Builder logCacheBytes(long bytes) {
            this.logCacheBytes = bytes;
            return this;
        }

        /** Time a write may wait for commitment before it fails with ProposalTimeout. */
        public Builder proposalTimeoutMillis(long millis) {
            this.proposalTimeoutMillis = millis;
            return this;
        }

        /** Time a manual proposal may stay open (neither committed nor rolled back) before its leader rolls it back. */
        public Builder proposalTimeToLiveMillis(long millis) {
            this.proposalTimeToLiveMillis = millis;
            return this;
        }

        /** Bounds of the client sessions of idempotent writes. */
        public Builder sessionLimits(SessionLimits limits) {
            this.sessionLimits = limits;
            return this;
        }

        /** Idle ticks before the partition quiesces; 0 turns quiescence off. */
        public Builder quiesceAfterTicks(int ticks) {
            this.quiesceAfterTicks = ticks;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if a count or duration is out of range, or the election bounds cross
         */
        public PartitionSettings build() {
            atLeast("heartbeatMillis", heartbeatMillis, 1);
            atLeast("electionMinMillis", electionMinMillis, 1);
            atLeast("electionMaxMillis", electionMaxMillis, electionMinMillis);
            atLeast("checkQuorumMillis", checkQuorumMillis, 1);
            atLeast("maxInflight", maxInflight, 1);
            atLeast("maxEntriesPerAppend", maxEntriesPerAppend, 1);
            atLeast("maxBytesPerAppend", maxBytesPerAppend, 1);
            atLeast("logCacheEntries", logCacheEntries, 0);
            atLeast("logCacheBytes", logCacheBytes, 0);
            atLeast("proposalTimeoutMillis", proposalTimeoutMillis, 1);
            atLeast("proposalTimeToLiveMillis", proposalTimeToLiveMillis, 1);
            atLeast("quiesceAfterTicks", quiesceAfterTicks, 0);
            if (sessionLimits == null) {
                throw new IllegalArgumentException("sessionLimits must not be null");
            }
            return new PartitionSettings(this);
        }

        private static void atLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
            }
        }
    }
}
