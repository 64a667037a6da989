package io.kommander;

import io.kommander.discovery.IDiscovery;
import io.kommander.internal.node.RaftNode;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.IRaftTransport;
import io.kommander.wal.IWAL;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A Kommander node: the implementation of {@link IRaft} that an application builds with {@link #builder()}. It
 * owns the node's WAL, transport, timers and partitions; every method is documented on {@link IRaft}.
 *
 * <p>Thread-safe. A node is started once ({@link #joinCluster()}) and closed once; it owns (and closes) the WAL and
 * transport it was built with, and the runtime unless one was supplied.
 */
public final class RaftManager implements IRaft {

    private final RaftNode node;

    private RaftManager(RaftNode node) {
        this.node = node;
    }

    /** A builder for a node. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Void> joinCluster() {
        return node.joinCluster();
    }

    @Override
    public CompletableFuture<RaftOperationStatus> leaveCluster() {
        return node.leaveCluster();
    }

    @Override
    public CompletableFuture<RaftOperationStatus> removeMember(String endpoint) {
        return node.removeMember(endpoint);
    }

    @Override
    public CompletableFuture<Membership> getMembership() {
        return node.getMembership();
    }

    @Override
    public Subscription onMembershipChanged(MembershipListener listener) {
        return node.onMembershipChanged(listener);
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return node.closeAsync();
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data) {
        return node.replicateLogs(partitionId, type, data);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data, boolean autoCommit) {
        return node.replicateLogs(partitionId, type, data, autoCommit);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  RequestId requestId) {
        return node.replicateLogs(partitionId, type, data, requestId);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  boolean autoCommit, RequestId requestId) {
        return node.replicateLogs(partitionId, type, data, autoCommit, requestId);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data, boolean autoCommit) {
        return node.replicateLogs(partitionId, type, data, autoCommit);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> commitLogs(int partitionId, HLCTimestamp ticket) {
        return node.commitLogs(partitionId, ticket);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> rollbackLogs(int partitionId, HLCTimestamp ticket) {
        return node.rollbackLogs(partitionId, ticket);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateCheckpoint(int partitionId) {
        return node.replicateCheckpoint(partitionId);
    }

    @Override
    public boolean amILeaderQuick(int partitionId) {
        return node.amILeaderQuick(partitionId);
    }

    @Override
    public int quiescedPartitions() {
        return node.quiescedPartitions();
    }

    @Override
    public CompletableFuture<Boolean> amILeader(int partitionId) {
        return node.amILeader(partitionId);
    }

    @Override
    public CompletableFuture<String> waitForLeader(int partitionId, Duration timeout) {
        return node.waitForLeader(partitionId, timeout);
    }

    @Override
    public CompletableFuture<Boolean> confirmLeadership(int partitionId) {
        return node.confirmLeadership(partitionId);
    }

    @Override
    public CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target) {
        return node.transferLeadership(partitionId, target);
    }

    @Override
    public String leaderHint(int partitionId) {
        return node.leaderHint(partitionId);
    }

    @Override
    public CompletableFuture<PartitionStatus> partitionStatus(int partitionId) {
        return node.partitionStatus(partitionId);
    }

    @Override
    public long unknownSenderMessages() {
        return node.unknownSenderMessages();
    }

    @Override
    public long unknownPartitionMessages() {
        return node.unknownPartitionMessages();
    }

    @Override
    public int getPartitionKey(String key) {
        return node.getPartitionKey(key);
    }

    @Override
    public int getPrefixPartitionKey(String key) {
        return node.getPrefixPartitionKey(key);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> createPartition(PartitionRange range) {
        return node.createPartition(range);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> removePartition(int partitionId) {
        return node.removePartition(partitionId);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> splitPartition(int partitionId, long boundary) {
        return node.splitPartition(partitionId, boundary);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> mergePartitions(int survivor, int adjacent) {
        return node.mergePartitions(survivor, adjacent);
    }

    @Override
    public PartitionMap getPartitionMap() {
        return node.getPartitionMap();
    }

    @Override
    public Subscription onPartitionMapChanged(PartitionMapListener listener) {
        return node.onPartitionMapChanged(listener);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  long expectedGeneration) {
        return node.replicateLogs(partitionId, type, data, expectedGeneration);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                                  boolean autoCommit, long expectedGeneration) {
        return node.replicateLogs(partitionId, type, data, autoCommit, expectedGeneration);
    }

    @Override
    public int partitionCount() {
        return node.partitionCount();
    }

    @Override
    public String localEndpoint() {
        return node.localEndpoint();
    }

    @Override
    public Subscription onReplicationReceived(ReplicationListener listener) {
        return node.onReplicationReceived(listener);
    }

    @Override
    public Subscription onReplicationError(ReplicationErrorListener listener) {
        return node.onReplicationError(listener);
    }

    @Override
    public Subscription onLeaderChanged(LeaderChangedListener listener) {
        return node.onLeaderChanged(listener);
    }

    @Override
    public Subscription onRestoreStarted(PartitionListener listener) {
        return node.onRestoreStarted(listener);
    }

    @Override
    public Subscription onLogRestored(LogRestoredListener listener) {
        return node.onLogRestored(listener);
    }

    @Override
    public Subscription onRestoreFinished(PartitionListener listener) {
        return node.onRestoreFinished(listener);
    }

    @Override
    public Subscription onPartitionFailed(PartitionFailedListener listener) {
        return node.onPartitionFailed(listener);
    }

    @Override
    public Subscription onPartitionUnavailable(PartitionUnavailableListener listener) {
        return node.onPartitionUnavailable(listener);
    }

    @Override
    public Subscription onSnapshotInstalled(SnapshotInstalledListener listener) {
        return node.onSnapshotInstalled(listener);
    }

    @Override
    public void close() {
        node.close();
    }

    /** Builds a {@link RaftManager}; not thread-safe. */
    public static final class Builder {
        private RaftConfiguration configuration;
        private IWAL wal;
        private IRaftTransport transport;
        private IDiscovery discovery;
        private IRaftRuntime runtime;
        private Executor callbackExecutor;
        private IRaftStateMachineTransfer stateMachineTransfer;
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /** The node's configuration (required). */
        public Builder configuration(RaftConfiguration configuration) {
            this.configuration = configuration;
            return this;
        }

        /** The WAL (required); the manager closes it on {@link RaftManager#close()}. */
        public Builder wal(IWAL wal) {
            this.wal = wal;
            return this;
        }

        /** The transport (required); the manager starts and closes it. */
        public Builder transport(IRaftTransport transport) {
            this.transport = transport;
            return this;
        }

        /** Where the peers are (required). */
        public Builder discovery(IDiscovery discovery) {
            this.discovery = discovery;
            return this;
        }

        /**
         * The runtime (optional): by default the manager creates and owns a runtime on real threads sized by the
         * configuration. A supplied runtime is not closed by the manager.
         */
        public Builder runtime(IRaftRuntime runtime) {
            this.runtime = runtime;
            return this;
        }

        /**
         * Where the futures the node returns complete (optional): by default the runtime's
         * {@link IRaftRuntime#callbackExecutor()}, one thread, so stages run in the order partitions answered. With
         * a pool of several threads that order is lost. Never a partition executor: an executor that runs tasks on
         * the calling thread ({@code Runnable::run}) brings back stages that hold up partitions. The node does not
         * shut it down.
         */
        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
            return this;
        }

        /**
         * The application's snapshots (optional): with them, compaction passes a lagging member and the leader
         * rebuilds a follower behind its compaction point by snapshot; see {@link IRaftStateMachineTransfer}.
         */
        public Builder stateMachineTransfer(IRaftStateMachineTransfer transfer) {
            this.stateMachineTransfer = transfer;
            return this;
        }

        /**
         * Where the node's meters go (optional; Micrometer is an optional dependency): proposals, commits and their
         * latency, WAL batches and syncs, queue depths, elections, leaders, follower lag, snapshots and the
         * transport, each tagged with the node's name (docs/metrics.md). Without a registry the node records
         * nothing and never loads Micrometer. The node removes its meters from the registry when it closes.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Builds the node (it starts with {@link RaftManager#joinCluster()}).
         *
         * @throws RaftConfigurationException if a required part is missing, the configuration breaks a rule, or
         *                                    its {@code maxEntryBytes} does not fit in one batch of the transport
         */
        public RaftManager build() {
            if (configuration == null) {
                throw new RaftConfigurationException("configuration", "is required");
            }
            configuration.validate();
            if (wal == null) {
                throw new RaftConfigurationException("wal", "is required");
            }
            if (transport == null) {
                throw new RaftConfigurationException("transport", "is required");
            }
            if (discovery == null) {
                throw new RaftConfigurationException("discovery", "is required");
            }
            if (discovery.peers().contains(configuration.endpoint())) {
                throw new RaftConfigurationException("discovery",
                        "must list the other members only, not this node (" + configuration.endpoint() + ")");
            }
            return new RaftManager(new RaftNode(configuration, wal, transport, discovery, runtime,
                    callbackExecutor, stateMachineTransfer, meterRegistry));
        }
    }
}
