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
import io.kommander.RaftClosedException;
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
import io.kommander.internal.partition.WriteFence;
import io.kommander.internal.runtime.DefaultRaftRuntime;
import io.kommander.internal.runtime.LibraryThreads;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.internal.transport.FrameBudget;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.PeerRefusal;
import io.kommander.wal.EntryKind;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.wal.IWAL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

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

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    private static final int MAX_MESSAGES_PER_BATCH = 4096;
    /** How long {@link #close()} waits, on an application thread, for everything to be released. */
    private static final long CLOSE_WAIT_MILLIS = 30_000;

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
    private final LeaderWaiters leaderWaiters;
    private final CallerFutures futures;
    private final NodeMetrics metrics;
    private final AtomicLong unknownSenderMessages = new AtomicLong();
    private final AtomicLong unknownPartitionMessages = new AtomicLong();
    private final Set<String> refusedBy = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();
    /** Completes when the node has joined; fails on a refusal by a peer or a close before the join. */
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    /** {@link #joined} as callers see it: completing on the callback executor. */
    private CompletableFuture<Void> joinedView;
    private boolean started;
    private CompletableFuture<Void> closing;
    private volatile boolean closed;

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
        this.callbacks = new UserPartitionEvents(events, leaderWaiters);
        List<String> peers = discovery.peers().stream().filter(p -> !p.equals(self)).toList();
        this.members = Set.copyOf(peers);
        Set<String> initialMembers = new HashSet<>(peers);
        initialMembers.add(self);
        this.catchUp = new NodeCatchUp(self, initialMembers, this::firstStart);
        this.dispatcher = new RaftTransportDispatcher(self, transport, runtime.partitionPool(), MAX_MESSAGES_PER_BATCH);
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
                },
                () -> membership().firstRoster());
        coordinator.onMapChanged(events::partitionMapChanged);

        this.membership = new NodeMembership(this.configuration, members, runtime, coordinator, partitions,
                dispatcher, events, unknownSenderMessages, writes);
        // A drain's grace: one election timeout, time for a leader's in-flight writes to commit (or for it to go).
        this.partitionMap = new NodePartitionMap(self, runtime, coordinator, membership, dispatcher,
                configuration.electionTimeoutMaxMillis(), configuration.membershipRetryMillis(),
                configuration.membershipBackoffMillis(), unknownSenderMessages);
        this.context = new PartitionContext(this.configuration, self, peers, runtime, wal, writes, reads, dispatcher,
                new HybridLogicalClock(runtime::wallClockMillis, configuration.nodeId()), catchUp,
                new NodeSnapshots(transfer, new SnapshotThrottle(this.configuration.snapshotBytesPerSecond(),
                        runtime::monotonicMillis)), metrics, quiescence);
        metrics.watch(new NodeGauges(partitions, writes, quiescence));
        this.shutdown = new NodeShutdown(self, runtime, ownsRuntime, dispatcher, transport, wal);
        this.liveness = new NodeLiveness(runtime, dispatcher, membership::candidates, quiescence,
                configuration.electionTimeoutMinMillis(),
                runtime.random(runtime.wallClockMillis() ^ (runtime.monotonicMillis() << 24)).nextLong());
        this.timers = new RaftTimerService(runtime, configuration.heartbeatIntervalMillis(),
                configuration.compactionIntervalMillis(), configuration.compactionEnabled(), this::takingPart,
                quiescence, liveness::tick, () -> !membership.removed());
        this.startup = new NodeStartup(new NodeStartup.Parts(this.configuration, wal, transport, runtime, members,
                catchUp, membership, coordinator, context, timers, partitions, callbacks), this::onBatch,
                this::onRefused, () -> closed, this::partitionCount);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public CompletableFuture<Void> joinCluster() {
        synchronized (lifecycle) {
            if (closed) {
                return futures.failed(new RaftClosedException("joinCluster on a closed node"));
            }
            if (started) {
                return joinedView;
            }
            started = true;
            RaftPartition system = startup.prepare(joined);
            joinedView = futures.relay(joined);
            if (system != null) {
                startup.launch(system);
            }
            return joinedView;
        }
    }

    @Override
    public CompletableFuture<RaftOperationStatus> leaveCluster() {
        if (closed) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (!isStarted()) {
            return futures.completed(RaftOperationStatus.RestoreInProgress);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        // Removed, the node closes: it no longer belongs to any partition. Refused, it goes on as a member.
        return futures.relay(membership.removal(self).thenCompose(status -> status != RaftOperationStatus.Success
                ? CompletableFuture.completedFuture(status)
                : closeAsync().handle((done, error) -> status)));
    }

    @Override
    public CompletableFuture<RaftOperationStatus> removeMember(String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException("the member to remove must be named by its endpoint");
        }
        if (closed) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (!isStarted()) {
            return futures.completed(RaftOperationStatus.RestoreInProgress);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        return futures.relay(membership.removal(endpoint));
    }

    @Override
    public CompletableFuture<Membership> getMembership() {
        return futures.completed(membership.membership());
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        synchronized (lifecycle) {
            if (closing != null) {
                return closing;
            }
            closed = true;
            closing = futures.incomplete();
        }
        timers.close();
        membership.close();
        metrics.close();
        partitionMap.close();
        shutdown.begin(allPartitions(), this::failWaiters).whenComplete((done, error) -> closing.complete(null));
        return closing;
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

    private boolean isStarted() {
        synchronized (lifecycle) {
            return started;
        }
    }

    /** What waits on the node itself rather than on a partition. */
    private void failWaiters() {
        leaderWaiters.failAll(new RaftClosedException("node closed"));
        joined.completeExceptionally(new RaftClosedException("node closed before it joined"));
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = closeAsync();
        if (LibraryThreads.isCurrent()) {
            // A listener or callback: what would be waited for may be queued behind this very task.
            return;
        }
        try {
            done.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: close did not finish within {} ms", self, CLOSE_WAIT_MILLIS, e);
        }
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
        if (data == null || requestId == null) {
            throw new IllegalArgumentException("data and requestId must not be null");
        }
        return withPartition(partitionId, p -> p.replicate(autoCommit ? EntryKind.DATA : EntryKind.PROPOSED,
                type, data, requestId, fence(partitionId, 0)));
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
        if (expectedGeneration < 0) {
            throw new IllegalArgumentException("expectedGeneration must be 0 (no check) or a generation");
        }
        if (data == null || data.isEmpty() || data.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("data must hold at least one non-null payload");
        }
        if (!ProposalSize.fits(configuration, type, data)) {
            return CompletableFuture.completedFuture(RaftReplicationResult.failure(
                    RaftOperationStatus.EntryTooLarge, null));
        }
        return withPartition(partitionId, p -> p.replicate(autoCommit ? EntryKind.DATA : EntryKind.PROPOSED,
                type, data, fence(partitionId, expectedGeneration)));
    }

    /** The applied map's verdict on a write, read on the partition's executor when it would be proposed. */
    private WriteFence fence(int partitionId, long expectedGeneration) {
        return () -> coordinator.fence(partitionId, expectedGeneration);
    }

    @Override
    public CompletableFuture<RaftReplicationResult> commitLogs(int partitionId, HLCTimestamp ticket) {
        return withPartition(partitionId, p -> p.settle(ticket, true));
    }

    @Override
    public CompletableFuture<RaftReplicationResult> rollbackLogs(int partitionId, HLCTimestamp ticket) {
        return withPartition(partitionId, p -> p.settle(ticket, false));
    }

    @Override
    public CompletableFuture<RaftReplicationResult> replicateCheckpoint(int partitionId) {
        return withPartition(partitionId, p -> p.replicate(EntryKind.CHECKPOINT, "", List.of(new byte[0]),
                fence(partitionId, 0)));
    }

    private CompletableFuture<RaftReplicationResult> withPartition(
            int partitionId, Function<RaftPartition, CompletableFuture<RaftReplicationResult>> op) {
        if (closed) {
            return futures.completed(RaftReplicationResult.failure(RaftOperationStatus.NodeClosed, null));
        }
        if (membership.removed()) {
            return futures.completed(RaftReplicationResult.failure(RaftOperationStatus.NotAMember, null));
        }
        RaftPartition partition = userPartition(partitionId);
        if (partition == null) {
            RaftReplicationResult gone = partitionId == RaftSystemCoordinator.SYSTEM_PARTITION ? null
                    : coordinator.fence(partitionId, 0);
            return futures.completed(gone != null ? gone
                    : RaftReplicationResult.failure(RaftOperationStatus.UnknownPartition, null));
        }
        return futures.relay(op.apply(partition));
    }

    // ---------------------------------------------------------------- leadership and reads

    @Override
    public int quiescedPartitions() {
        return quiescence.quiescedCount();
    }

    @Override
    public boolean amILeaderQuick(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition != null && !closed && partition.isLeaderQuick();
    }

    @Override
    public CompletableFuture<Boolean> amILeader(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition == null || closed ? futures.completed(false) : futures.relay(partition.isLeader());
    }

    @Override
    public CompletableFuture<String> waitForLeader(int partitionId, Duration timeout) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed) {
            return futures.failed(closed ? new RaftClosedException("node closed")
                    : new IllegalArgumentException("unknown partition " + partitionId));
        }
        return futures.relay(leaderWaiters.await(partitionId, partition::leaderQuick, timeout));
    }

    @Override
    public CompletableFuture<Boolean> confirmLeadership(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed || membership.removed()) {
            return futures.completed(false);
        }
        return futures.relay(partition.confirmLeadership().thenApply(status -> status == RaftOperationStatus.Success));
    }

    @Override
    public CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target) {
        RaftPartition partition = userPartition(partitionId);
        if (closed) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (partition == null) {
            return futures.completed(RaftOperationStatus.UnknownPartition);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        return futures.relay(partition.transferLeadership(target)); // refuses a bad target up front
    }

    // ---------------------------------------------------------------- status

    @Override
    public String leaderHint(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition == null || closed ? null : partition.leaderQuick();
    }

    @Override
    public CompletableFuture<PartitionStatus> partitionStatus(int partitionId) {
        if (closed) {
            return futures.failed(new RaftClosedException("node closed"));
        }
        RaftPartition partition = userPartition(partitionId);
        if (partition == null) {
            return futures.failed(new IllegalArgumentException("unknown partition " + partitionId));
        }
        return futures.relay(partition.status());
    }

    // ---------------------------------------------------------------- routing

    @Override
    public int getPartitionKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        return ownerOf(key);
    }

    @Override
    public int getPrefixPartitionKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        return ownerOf(PartitionMap.prefixOf(key));
    }

    private int ownerOf(String key) {
        PartitionMap map = coordinator.map();
        if (map == null) {
            throw new IllegalStateException("partition ranges are not known yet: wait for joinCluster()");
        }
        return map.ownerOfKey(key).orElseThrow(() -> new IllegalStateException("no partition owns key " + key
                + " (its owner was removed)")).id();
    }

    @Override
    public CompletableFuture<PartitionChangeResult> createPartition(PartitionRange range) {
        if (closed) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        return futures.relay(partitionMap.create(range));
    }

    @Override
    public CompletableFuture<PartitionChangeResult> removePartition(int partitionId) {
        if (partitionId < 1) {
            throw new IllegalArgumentException(partitionId == RaftSystemCoordinator.SYSTEM_PARTITION
                    ? "the system partition cannot be removed" : "no partition has id " + partitionId);
        }
        if (closed) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        return futures.relay(partitionMap.remove(partitionId));
    }

    @Override
    public PartitionMap getPartitionMap() {
        PartitionMap map = coordinator.map();
        return map != null ? map : new PartitionMap(0, List.of());
    }

    @Override
    public Subscription onPartitionMapChanged(PartitionMapListener listener) {
        return RaftEvents.subscribe(events.partitionMapChanged, listener);
    }

    @Override
    public int partitionCount() {
        PartitionMap map = coordinator.map();
        return map == null ? 0 : (int) map.partitions().stream()
                .filter(p -> p.state() != io.kommander.PartitionState.REMOVED).count();
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
        return unknownPartitionMessages.get();
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

    private RaftPartition userPartition(int partitionId) {
        return partitionId == RaftSystemCoordinator.SYSTEM_PARTITION ? null : partitions.get(partitionId);
    }

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

    private void onBatch(MessageBatch batch) {
        if (closed) {
            return;
        }
        boolean member = membership.isMember(batch.from());
        if (member) {
            liveness.heard(batch.from());
        }
        for (RaftMessage message : batch.messages()) {
            if (message instanceof RaftMessage.NodeHeartbeat beat) {
                if (member) {
                    liveness.onHeartbeat(batch.from(), beat);
                }
                continue;
            }
            if (message instanceof RaftMessage.RosterRequest || message instanceof RaftMessage.RosterResponse) {
                membership.onMessage(batch.from(), message, member);
                continue;
            }
            if (message instanceof RaftMessage.PartitionMapRequest
                    || message instanceof RaftMessage.PartitionMapResponse) {
                partitionMap.onMessage(batch.from(), message, member);
                continue;
            }
            if (!member && !membership.admits(batch.from(), message)) {
                unknownSenderMessages.incrementAndGet();
                membership.notMember(batch.from());
                continue;
            }
            RaftPartition partition = partitions.get(message.partition());
            if (partition == null) {
                unknownPartitionMessages.incrementAndGet();
            } else {
                partition.receive(batch.from(), message);
            }
        }
    }

    /** A peer and this node disagree on who they are: fail the join (if still pending) and say so once per peer. */
    private void onRefused(PeerRefusal refusal) {
        RaftConfigurationException error = JoinRefusal.toException(refusal);
        boolean failedJoin = joined.completeExceptionally(error);
        if (refusedBy.add(refusal.peer())) {
            LOG.error("[{}] {}{} (this node lists {} and itself)", self, error.getMessage(),
                    failedJoin ? "; joinCluster fails" : "", new java.util.TreeSet<>(members));
        }
    }
}
