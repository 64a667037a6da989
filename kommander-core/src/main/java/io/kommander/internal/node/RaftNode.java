package io.kommander.internal.node;

import io.kommander.IRaft;
import io.kommander.LeaderChangedListener;
import io.kommander.LogRestoredListener;
import io.kommander.Membership;
import io.kommander.MembershipListener;
import io.kommander.PartitionFailedListener;
import io.kommander.PartitionUnavailableListener;
import io.kommander.PartitionListener;
import io.kommander.PartitionChangeResult;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionMapListener;
import io.kommander.PartitionStatus;
import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.ReplicationErrorListener;
import io.kommander.ReplicationListener;
import io.kommander.RequestId;
import io.kommander.Subscription;
import io.kommander.internal.clock.HybridLogicalClock;
import io.kommander.internal.metrics.NodeMetrics;

import io.kommander.time.HLCTimestamp;
import io.kommander.discovery.IDiscovery;
import io.kommander.IRaftStateMachineTransfer;
import io.kommander.SnapshotInstalledListener;
import io.kommander.internal.partition.NodeSnapshots;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.internal.partition.SnapshotThrottle;
import io.kommander.internal.partition.PartitionContext;
import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.RaftTimerService;
import io.kommander.internal.runtime.DefaultRaftRuntime;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.internal.system.ReplicaBalancer;
import io.kommander.transport.IRaftTransport;
import io.kommander.internal.transport.FrameBudget;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.transport.NodeIdentity;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.wal.IWAL;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The machinery behind {@link io.kommander.RaftManager}: the process-level coordinator that owns the node's
 * transport, WAL schedulers, timers, partitions and system coordinator.
 *
 * <p>Futures returned to callers complete on the callback executor ({@link CallerFutures}), never on a partition
 * executor. Closing never waits on a partition executor ({@link NodeShutdown}).
 *
 * <p>Thread-safe. A node is started once ({@link #joinCluster()}) and closed once; it owns (and closes) the WAL and
 * transport it was built with, and the runtime unless one was supplied.
 */
public final class RaftNode implements IRaft {

    private static final int MAX_MESSAGES_PER_BATCH = 4096;

    private final RaftConfiguration configuration;
    private final IWAL wal;
    private final IRaftTransport transport;
    private final IRaftRuntime runtime;
    private final boolean ownsRuntime;
    private final String self;
    private final Set<String> members;
    private final RaftEvents events = new RaftEvents();
    private final Map<Integer, RaftPartition> partitions = new ConcurrentHashMap<>();
    private final PartitionContext context;
    private final RaftSystemCoordinator coordinator;
    private final NodePartitionMap partitionMap;
    private final NodeMembership membership;
    private final RaftTimerService timers;
    private final QuiescedPartitions quiescence = new QuiescedPartitions();
    private final NodeLiveness liveness;
    private final RaftTransportDispatcher dispatcher;
    private final NodeShutdown shutdown;
    private final PartitionCallbacks callbacks;
    private final NodeCatchUp catchUp;
    private final NodeStartup startup;
    private final NodeReplicas replicas;
    private final LeaderWaiters leaderWaiters;
    private final CallerFutures futures;
    private final NodeMetrics metrics;
    private final AtomicLong unknownSenderMessages = new AtomicLong();
    private final InboundRouter inbound;
    private final ReplicaRemovals removals;
    private final MoveCompactionHold compactionHold;
    private final NodeMoves moves;
    private final ReplicaBalancer balancer;
    private final PartitionCalls calls;
    private final MemberCalls memberCalls;
    private final PartitionMapCalls mapCalls;
    private final NodeLifecycle lifecycle;

    /**
     * A node from validated parts (see {@link io.kommander.RaftManager.Builder}), its futures completing on the
     * runtime's callback executor.
     *
     * @param suppliedRuntime the runtime to run on, or null to create (and own) one sized by the configuration
     * @throws RaftConfigurationException if {@code maxEntryBytes} does not fit in one batch of the transport
     */
    public RaftNode(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IDiscovery discovery,
                    IRaftRuntime suppliedRuntime) {
        this(configuration, wal, transport, discovery, suppliedRuntime, null);
    }

    /**
     * A node from validated parts (see {@link io.kommander.RaftManager.Builder}).
     *
     * @param suppliedRuntime  the runtime to run on, or null to create (and own) one sized by the configuration
     * @param callbackExecutor where returned futures complete, or null for the runtime's callback executor
     * @throws RaftConfigurationException if {@code maxEntryBytes} does not fit in one batch of the transport
     */
    public RaftNode(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IDiscovery discovery,
                    IRaftRuntime suppliedRuntime, Executor callbackExecutor) {
        this(configuration, wal, transport, discovery, suppliedRuntime, callbackExecutor, null);
    }

    /**
     * A node from validated parts (see {@link io.kommander.RaftManager.Builder}).
     *
     * @param suppliedRuntime  the runtime to run on, or null to create (and own) one sized by the configuration
     * @param callbackExecutor where returned futures complete, or null for the runtime's callback executor
     * @param transfer         the application's snapshots, or null for none (the checkpoint model)
     * @throws RaftConfigurationException if {@code maxEntryBytes} does not fit in one batch of the transport
     */
    public RaftNode(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IDiscovery discovery,
                    IRaftRuntime suppliedRuntime, Executor callbackExecutor, IRaftStateMachineTransfer transfer) {
        this(configuration, wal, transport, discovery, suppliedRuntime, callbackExecutor, transfer, null);
    }

    /**
     * A node from validated parts (see {@link io.kommander.RaftManager.Builder}).
     *
     * @param suppliedRuntime  the runtime to run on, or null to create (and own) one sized by the configuration
     * @param callbackExecutor where returned futures complete, or null for the runtime's callback executor
     * @param transfer         the application's snapshots, or null for none (the checkpoint model)
     * @param meterRegistry    a Micrometer {@code MeterRegistry} for the node's meters, or null for none; typed
     *                         {@code Object} so that this class loads without Micrometer ({@link NodeMetrics#of})
     * @throws RaftConfigurationException if {@code maxEntryBytes} does not fit in one batch of the transport
     */
    public RaftNode(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IDiscovery discovery,
                    IRaftRuntime suppliedRuntime, Executor callbackExecutor, IRaftStateMachineTransfer transfer,
                    Object meterRegistry) {
        this.metrics = NodeMetrics.of(meterRegistry, configuration.nodeName());
        this.configuration = FrameBudget.of(transport).fit(configuration);
        this.wal = wal;
        this.transport = transport;
        this.ownsRuntime = suppliedRuntime == null;
        this.runtime = ownsRuntime
                ? new DefaultRaftRuntime("kommander-" + configuration.nodeName(), configuration.executorPoolSize(),
                        configuration.walWriteWorkers(), configuration.walReadWorkers(), configuration.electionSeed())
                : suppliedRuntime;
        this.self = configuration.endpoint();
        this.futures = new CallerFutures(callbackExecutor != null ? callbackExecutor : runtime.callbackExecutor());
        this.leaderWaiters = new LeaderWaiters(runtime);
        this.lifecycle = new NodeLifecycle(self, futures, leaderWaiters);
        List<String> peers = discovery.peers().stream().filter(p -> !p.equals(self)).toList();
        this.members = Set.copyOf(peers);
        Set<String> initialMembers = new HashSet<>(peers);
        initialMembers.add(self);
        this.catchUp = new NodeCatchUp(self, initialMembers, this::firstStart, this::firstVoterIncarnation);
        this.dispatcher = new RaftTransportDispatcher(self, transport, runtime.partitionPool(), MAX_MESSAGES_PER_BATCH,
                metrics);
        FairWalScheduler writes = new FairWalScheduler(wal, runtime.walWritePool(), configuration.walWriteWorkers(),
                configuration.maxPartitionsPerWalWrite(), metrics);
        FairReadScheduler reads = new FairReadScheduler(runtime.walReadPool(), configuration.walReadWorkers());
        this.coordinator = new RaftSystemCoordinator(configuration.initialPartitions(),
                new RaftSystemCoordinator.Hosting() {
                    @Override
                    public void open(int partition) {
                        startup.openPartition(partition);
                    }

                    @Override
                    public void remove(int partition) {
                        startup.removePartition(partition);
                    }

                    @Override
                    public void placed(int partition) {
                        startup.openPartition(partition);
                    }
                },
                () -> membership().firstRoster());

        this.replicas = new NodeReplicas(self, coordinator, wal, partitions, this::removedFromRoster);
        this.membership = new NodeMembership(this.configuration, members, runtime, coordinator, partitions,
                dispatcher, events, unknownSenderMessages, writes, replicas::stranded,
                quiescence::alive);
        // A drain's grace: one election timeout, time for a leader's in-flight writes to commit (or for it to go).
        this.partitionMap = new NodePartitionMap(self, runtime, coordinator, membership, dispatcher,
                configuration.electionTimeoutMaxMillis(), configuration.membershipRetryMillis(),
                configuration.membershipBackoffMillis(), unknownSenderMessages);
        NodeMoves splits = new NodeMoves(partitions, coordinator, transfer, runtime, partitionMap::finishSplit,
                partitionMap::finishMerge, partitionMap::merge, configuration.membershipRetryMillis(),
                new SeedProposals(configuration.maxEntryBytes(), configuration.maxProposalBytes(),
                        runtime.random(((long) configuration.nodeId() << 32) ^ runtime.wallClockMillis())));
        this.moves = splits;
        this.compactionHold = new MoveCompactionHold(coordinator::map, splits::assembling);
        this.callbacks = new UserPartitionEvents(events, leaderWaiters, splits);
        coordinator.onMapChanged(map -> {
            events.partitionMapChanged(map);
            partitionMap.mapApplied(map);
            splits.mapChanged(map);
        });
        this.context = new PartitionContext(this.configuration, self, peers, runtime, wal, writes, reads, dispatcher,
                new HybridLogicalClock(runtime::wallClockMillis, configuration.nodeId()), catchUp,
                new NodeSnapshots(transfer, new SnapshotThrottle(this.configuration.snapshotBytesPerSecond(),
                        runtime::monotonicMillis), compactionHold), metrics, quiescence);
        metrics.watch(new NodeGauges(partitions, writes, quiescence));
        this.shutdown = new NodeShutdown(self, runtime, ownsRuntime, dispatcher, transport, wal);
        this.liveness = new NodeLiveness(runtime, dispatcher, membership::candidates, quiescence,
                configuration.electionTimeoutMinMillis(),
                runtime.random(runtime.wallClockMillis() ^ (runtime.monotonicMillis() << 24)).nextLong());
        this.timers = new RaftTimerService(runtime, configuration.heartbeatIntervalMillis(),
                configuration.compactionIntervalMillis(), configuration.compactionEnabled(),
                configuration.maxPartitionsPerWalWrite(), this::takingPart,
                quiescence, liveness::tick, () -> !membership.removed());
        this.removals = new ReplicaRemovals(self, coordinator::map, partitions, replicas, dispatcher::send,
                runtime::monotonicMillis, configuration.membershipRetryMillis());
        this.inbound = new InboundRouter(self, members, partitions, membership, partitionMap, liveness, removals,
                unknownSenderMessages, lifecycle.joined(), lifecycle::closed);
        this.calls = new PartitionCalls(this.configuration, partitions, coordinator, membership, leaderWaiters,
                futures, lifecycle::closed);
        this.memberCalls = new MemberCalls(self, lifecycle, membership, futures, this::closeAsync);
        this.mapCalls = new PartitionMapCalls(coordinator, partitionMap, futures, lifecycle::closed,
                splits::supported);
        this.startup = new NodeStartup(new NodeStartup.Parts(this.configuration, wal, transport, runtime, members,
                catchUp, membership, coordinator, context, timers, partitions, callbacks, replicas), inbound::onBatch,
                inbound::onRefused, lifecycle::closed, replicas::hostedCount, id -> {
                    splits.forget(id);
                    replicas.forget(id);
                });
        // A move the coordinator cannot watch (it does not host the partition) counts as under way for one attempt.
        // A replica the map moved away from this node is not watched either: one taken out while cut off keeps its
        // last configuration until it learns it (seed 894), and would hold its partition's step under way meanwhile.
        this.balancer = new ReplicaBalancer(coordinator, partitionMap.service(),
                configuration.replicationFactor(), id -> {
                    RaftPartition partition = partitions.get(id);
                    return partition == null || replicas.stranded(partition) ? null
                            : partition.view().configuration();
                }, runtime::monotonicMillis, configuration.membershipRetryMillis(), configuration.maxEntryBytes());
        membership.alsoOnEachPass(() -> {
            balancer.rebalance();
            removals.ask();
            startup.followPlacement();
        }, () -> {
            removals.ask();
            startup.followPlacement();
        });
    }

    /** This node's incarnation as partition 0's log records it among {@code partition}'s first voters, or 0. */
    private long firstVoterIncarnation(int partition) {
        return coordinator.firstVoterIncarnation(partition, self);
    }

    /** Whether this node learned that the roster removed it. */
    private boolean removedFromRoster() {
        return membership.removed();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public CompletableFuture<Void> joinCluster() {
        return lifecycle.join(startup);
    }

    @Override
    public CompletableFuture<RaftOperationStatus> leaveCluster() {
        return memberCalls.leaveCluster();
    }

    @Override
    public CompletableFuture<RaftOperationStatus> removeMember(String endpoint) {
        return memberCalls.removeMember(endpoint);
    }

    @Override
    public CompletableFuture<Membership> getMembership() {
        return futures.completed(membership.membership());
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return lifecycle.close(() -> {
            timers.close();
            membership.close();
            metrics.close();
            partitionMap.close();
        }, shutdown, allPartitions());
    }

    /**
     * Which of this node's partitions are quiesced (a cheap {@link QuiescedPartitions#quiescedCount()} for a metrics
     * gauge) and how often they quiesced and woke.
     */
    public QuiescedPartitions quiescence() {
        return quiescence;
    }

    /** This node's incarnation (see {@link NodeIdentity#incarnation()}); 0 before {@link #joinCluster()}. */
    public long incarnation() {
        return catchUp.incarnation();
    }

    @Override
    public void close() {
        lifecycle.await(closeAsync());
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data) {
        return replicateLogs(partitionId, type, data, true);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  boolean autoCommit) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return replicateLogs(partitionId, type, List.of(data), autoCommit);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  RequestId requestId) {
        return replicateLogs(partitionId, type, data, true, requestId);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  boolean autoCommit, RequestId requestId) {
        return calls.replicateLogs(partitionId, type, data, autoCommit, requestId);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                                  boolean autoCommit) {
        return replicateLogs(partitionId, type, data, autoCommit, 0);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                                  long expectedGeneration) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return replicateLogs(partitionId, type, List.of(data), true, expectedGeneration);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                                  boolean autoCommit, long expectedGeneration) {
        return calls.replicateLogs(partitionId, type, data, autoCommit, expectedGeneration);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> commitLogs(int partitionId, HLCTimestamp ticket) {
        return calls.commitLogs(partitionId, ticket);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> rollbackLogs(int partitionId, HLCTimestamp ticket) {
        return calls.rollbackLogs(partitionId, ticket);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateCheckpoint(int partitionId) {
        return calls.replicateCheckpoint(partitionId);
    }

    // ---------------------------------------------------------------- leadership and reads

    @Override
    public int quiescedPartitions() {
        return quiescence.quiescedCount();
    }

    @Override
    public boolean amILeaderQuick(int partitionId) {
        return calls.amILeaderQuick(partitionId);
    }

    @Override
    public CompletableFuture<Boolean> amILeader(int partitionId) {
        return calls.amILeader(partitionId);
    }

    @Override
    public CompletableFuture<String> waitForLeader(int partitionId, Duration timeout) {
        return calls.waitForLeader(partitionId, timeout);
    }

    @Override
    public CompletableFuture<Boolean> confirmLeadership(int partitionId) {
        return calls.confirmLeadership(partitionId);
    }

    @Override
    public CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target) {
        return calls.transferLeadership(partitionId, target);
    }

    // ---------------------------------------------------------------- status

    @Override
    public String leaderHint(int partitionId) {
        return calls.leaderHint(partitionId);
    }

    @Override
    public CompletableFuture<PartitionStatus> partitionStatus(int partitionId) {
        return calls.partitionStatus(partitionId);
    }

    // ---------------------------------------------------------------- routing

    @Override
    public int getPartitionKey(String key) {
        return mapCalls.getPartitionKey(key);
    }

    @Override
    public int getPrefixPartitionKey(String key) {
        return mapCalls.getPrefixPartitionKey(key);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> createPartition(PartitionRange range) {
        return mapCalls.createPartition(range);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> removePartition(int partitionId) {
        return mapCalls.removePartition(partitionId);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> splitPartition(int partitionId, long boundary) {
        return mapCalls.splitPartition(partitionId, boundary);
    }

    @Override
    public CompletableFuture<PartitionChangeResult> mergePartitions(int survivor, int adjacent) {
        return mapCalls.mergePartitions(survivor, adjacent);
    }

    @Override
    public PartitionMap getPartitionMap() {
        return mapCalls.getPartitionMap();
    }

    @Override
    public Subscription onPartitionMapChanged(PartitionMapListener listener) {
        return RaftEvents.subscribe(events.partitionMapChanged, listener);
    }

    @Override
    public int partitionCount() {
        return mapCalls.partitionCount();
    }

    @Override
    public String localEndpoint() {
        return self;
    }

    @Override
    public long unknownSenderMessages() {
        return unknownSenderMessages.get();
    }

    @Override
    public long unknownPartitionMessages() {
        return inbound.unknownPartitionMessages();
    }

    /** The system partition's owner; tests reach it through NodeSeams. */
    RaftSystemCoordinator coordinator() {
        return coordinator;
    }

    /** A partition, or null if unknown; tests reach it through NodeSeams. */
    RaftPartition partition(int partitionId) {
        return partitions.get(partitionId);
    }

    /** Runs {@code hook} on every partition opened from now on, before it starts; tests reach it through NodeSeams. */
    void beforePartitionStarts(Consumer<RaftPartition> hook) {
        startup.beforePartitionStarts(hook);
    }

    // ---------------------------------------------------------------- events

    @Override
    public Subscription onReplicationReceived(ReplicationListener listener) {
        return RaftEvents.subscribe(events.replication, listener);
    }

    @Override
    public Subscription onReplicationError(ReplicationErrorListener listener) {
        return RaftEvents.subscribe(events.replicationErrors, listener);
    }

    @Override
    public Subscription onLeaderChanged(LeaderChangedListener listener) {
        return RaftEvents.subscribe(events.leaderChanged, listener);
    }

    @Override
    public Subscription onRestoreStarted(PartitionListener listener) {
        return RaftEvents.subscribe(events.restoreStarted, listener);
    }

    @Override
    public Subscription onLogRestored(LogRestoredListener listener) {
        return RaftEvents.subscribe(events.logRestored, listener);
    }

    @Override
    public Subscription onRestoreFinished(PartitionListener listener) {
        return RaftEvents.subscribe(events.restoreFinished, listener);
    }

    @Override
    public Subscription onPartitionFailed(PartitionFailedListener listener) {
        return RaftEvents.subscribe(events.partitionFailed, listener);
    }

    @Override
    public Subscription onPartitionUnavailable(PartitionUnavailableListener listener) {
        return RaftEvents.subscribe(events.partitionUnavailable, listener);
    }

    @Override
    public Subscription onSnapshotInstalled(SnapshotInstalledListener listener) {
        return RaftEvents.subscribe(events.snapshotInstalled, listener);
    }

    @Override
    public Subscription onMembershipChanged(MembershipListener listener) {
        return RaftEvents.subscribe(events.membershipChanged, listener);
    }

    // ---------------------------------------------------------------- internals

    private Collection<RaftPartition> allPartitions() {
        return partitions.values();
    }

    /** The partitions the timers drive: none once this node learned it was removed (it campaigns no more). */
    private Collection<RaftPartition> takingPart() {
        return membership.removed() ? List.of() : partitions.values();
    }

    /** The cluster's first start (see {@link NodeStartup#firstStart()}). */
    private void firstStart() {
        startup.firstStart();
    }

    private NodeMembership membership() {
        return membership;
    }

    /** Which partitions the node hosts and how they open, for the test seams ({@code NodeSeams}) only. */
    NodeReplicas replicasForTests() {
        return replicas;
    }

    /** The node's membership, for the test seams ({@code NodeSeams}) only. */
    NodeMembership membershipForTests() {
        return membership;
    }

    /** How the node's stranded replicas learn they were taken out, for the test seams ({@code NodeSeams}) only. */
    ReplicaRemovals removalsForTests() {
        return removals;
    }

    /** Whether replicas keep their logs through moves under way, for the test seams ({@code NodeSeams}) only. */
    MoveCompactionHold compactionHoldForTests() {
        return compactionHold;
    }

    NodeMoves movesForTests() {
        return moves;
    }

    /** The node's replica balancer, for the test seams ({@code NodeSeams}) only. */
    ReplicaBalancer balancerForTests() {
        return balancer;
    }
}
