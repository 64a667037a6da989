package io.kommander.internal.node;

import io.kommander.IRaft;
import io.kommander.LeaderChangedListener;
import io.kommander.LogRestoredListener;
import io.kommander.PartitionFailureListener;
import io.kommander.PartitionListener;
import io.kommander.RaftClosedException;
import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.ReplicationErrorListener;
import io.kommander.ReplicationListener;
import io.kommander.Subscription;
import io.kommander.internal.clock.HybridLogicalClock;

import io.kommander.time.HLCTimestamp;
import io.kommander.discovery.IDiscovery;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.internal.partition.PartitionContext;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.RaftTimerService;
import io.kommander.internal.runtime.DefaultRaftRuntime;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.transport.TransportBinding;
import io.kommander.wal.EntryKind;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.wal.IWAL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The machinery behind {@link io.kommander.RaftManager}: the process-level coordinator that owns the node's
 * transport, WAL schedulers, timers, partitions and system coordinator.
 *
 * <p>Thread-safe. A node is started once ({@link #joinCluster()}) and closed once; it owns (and closes) the WAL and
 * transport it was built with, and the runtime unless one was supplied.
 */
public final class RaftNode implements IRaft {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
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
    private final RaftTimerService timers;
    private final RaftTransportDispatcher dispatcher;
    private final Callbacks callbacks = new Callbacks();
    private volatile Consumer<RaftPartition> beforeStart = partition -> { };
    private final Map<Integer, List<CompletableFuture<String>>> leaderWaiters = new ConcurrentHashMap<>();
    private final AtomicLong unknownSenderMessages = new AtomicLong();
    private final AtomicLong unknownPartitionMessages = new AtomicLong();
    private final Object lifecycle = new Object();
    private CompletableFuture<Void> joined;
    private volatile boolean closed;

    /**
     * A node from validated parts (see {@link io.kommander.RaftManager.Builder}).
     *
     * @param suppliedRuntime the runtime to run on, or null to create (and own) one sized by the configuration
     */
    public RaftNode(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IDiscovery discovery,
                    IRaftRuntime suppliedRuntime) {
        this.configuration = configuration;
        this.wal = wal;
        this.transport = transport;
        this.ownsRuntime = suppliedRuntime == null;
        this.runtime = ownsRuntime
                ? new DefaultRaftRuntime("kommander-" + configuration.nodeName(), configuration.executorPoolSize(),
                        configuration.walWriteWorkers(), configuration.walReadWorkers(), configuration.electionSeed())
                : suppliedRuntime;
        this.self = configuration.endpoint();
        List<String> peers = discovery.peers().stream().filter(p -> !p.equals(self)).toList();
        this.members = Set.copyOf(peers);
        this.dispatcher = new RaftTransportDispatcher(self, transport, runtime.partitionPool(), MAX_MESSAGES_PER_BATCH);
        FairWalScheduler writes = new FairWalScheduler(wal, runtime.walWritePool(), configuration.walWriteWorkers(),
                configuration.maxPartitionsPerWalWrite());
        FairReadScheduler reads = new FairReadScheduler(runtime.walReadPool(), configuration.walReadWorkers());
        this.coordinator = new RaftSystemCoordinator(configuration.initialPartitions(), this::createPartitions);
        this.context = new PartitionContext(configuration, self, peers, runtime, wal, writes, reads, dispatcher,
                new HybridLogicalClock(runtime::wallClockMillis));
        this.timers = new RaftTimerService(runtime, configuration.heartbeatIntervalMillis(),
                configuration.compactionIntervalMillis(), configuration.compactionEnabled(), this::allPartitions);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public CompletableFuture<Void> joinCluster() {
        synchronized (lifecycle) {
            if (closed) {
                return CompletableFuture.failedFuture(new RaftClosedException("joinCluster on a closed node"));
            }
            if (joined != null) {
                return joined;
            }
            transport.start(new TransportBinding(self, configuration.nodeId(), configuration.clusterId(),
                    this::onBatch));
            RaftPartition system = new RaftPartition(RaftSystemCoordinator.SYSTEM_PARTITION, context, coordinator);
            coordinator.attach(system::replicate);
            startPartition(system);
            timers.start();
            joined = coordinator.rangesKnown().thenCompose(ranges -> CompletableFuture.allOf(
                    userPartitions().stream().map(RaftPartition::restoredFuture).toArray(CompletableFuture[]::new)));
            return joined;
        }
    }

    @Override
    public CompletableFuture<Void> leaveCluster() {
        List<CompletableFuture<RaftOperationStatus>> transfers = new ArrayList<>();
        List<String> peers = context.peers();
        if (!peers.isEmpty()) {
            for (RaftPartition partition : allPartitions()) {
                if (partition.isLeaderQuick()) {
                    String target = peers.get(partition.id() % peers.size());
                    transfers.add(partition.transferLeadership(target));
                }
            }
        }
        return CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).thenRun(this::close);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timers.close();
        for (RaftPartition partition : allPartitions()) {
            partition.close();
        }
        dispatcher.close();
        closeQuietly(transport, "transport");
        leaderWaiters.values().forEach(list -> list.forEach(
                f -> f.completeExceptionally(new RaftClosedException("node closed"))));
        closeQuietly(wal, "WAL");
        if (ownsRuntime) {
            runtime.close();
        }
    }

    private static void closeQuietly(AutoCloseable resource, String what) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing the {} failed", what, e);
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
    public CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                                  boolean autoCommit) {
        if (data == null || data.isEmpty() || data.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("data must hold at least one non-null payload");
        }
        return withPartition(partitionId, p -> p.replicate(autoCommit ? EntryKind.DATA : EntryKind.PROPOSED,
                type, data));
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
        return withPartition(partitionId, p -> p.replicate(EntryKind.CHECKPOINT, "", List.of(new byte[0])));
    }

    private CompletableFuture<RaftReplicationResult> withPartition(
            int partitionId, java.util.function.Function<RaftPartition, CompletableFuture<RaftReplicationResult>> op) {
        if (closed) {
            return CompletableFuture.completedFuture(RaftReplicationResult.failure(RaftOperationStatus.NodeClosed,
                    null));
        }
        RaftPartition partition = userPartition(partitionId);
        if (partition == null) {
            return CompletableFuture.completedFuture(
                    RaftReplicationResult.failure(RaftOperationStatus.UnknownPartition, null));
        }
        return op.apply(partition);
    }

    // ---------------------------------------------------------------- leadership and reads

    @Override
    public boolean amILeaderQuick(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition != null && !closed && partition.isLeaderQuick();
    }

    @Override
    public CompletableFuture<Boolean> amILeader(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition == null || closed ? CompletableFuture.completedFuture(false) : partition.isLeader();
    }

    @Override
    public CompletableFuture<String> waitForLeader(int partitionId, Duration timeout) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed) {
            return CompletableFuture.failedFuture(closed ? new RaftClosedException("node closed")
                    : new IllegalArgumentException("unknown partition " + partitionId));
        }
        CompletableFuture<String> future = new CompletableFuture<>();
        List<CompletableFuture<String>> waiters = leaderWaiters.computeIfAbsent(partitionId,
                k -> new CopyOnWriteArrayList<>());
        waiters.add(future);
        String known = partition.leaderQuick();
        if (known != null) {
            future.complete(known);
        }
        IRaftRuntime.Cancellable timer = runtime.schedule(timeout.toMillis(), () -> future.completeExceptionally(
                new TimeoutException("no leader for partition " + partitionId + " within " + timeout)));
        future.whenComplete((leader, error) -> {
            waiters.remove(future);
            timer.cancel();
        });
        return future;
    }

    @Override
    public CompletableFuture<Boolean> confirmLeadership(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed) {
            return CompletableFuture.completedFuture(false);
        }
        return partition.confirmLeadership().thenApply(status -> status == RaftOperationStatus.Success);
    }

    @Override
    public CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target) {
        RaftPartition partition = userPartition(partitionId);
        if (closed) {
            return CompletableFuture.completedFuture(RaftOperationStatus.NodeClosed);
        }
        if (partition == null) {
            return CompletableFuture.completedFuture(RaftOperationStatus.UnknownPartition);
        }
        return partition.transferLeadership(target);
    }

    // ---------------------------------------------------------------- routing

    @Override
    public int getPartitionKey(String key) {
        var ranges = coordinator.ranges();
        if (ranges == null) {
            throw new IllegalStateException("partition ranges are not known yet: wait for joinCluster()");
        }
        return ranges.partitionOf(key);
    }

    @Override
    public int partitionCount() {
        var ranges = coordinator.ranges();
        return ranges == null ? 0 : ranges.count();
    }

    @Override
    public String localEndpoint() {
        return self;
    }

    /** Inbound messages dropped because their sender is not a member. */
    public long unknownSenderMessages() {
        return unknownSenderMessages.get();
    }

    /** Inbound messages dropped because their partition does not exist here (yet). */
    public long unknownPartitionMessages() {
        return unknownPartitionMessages.get();
    }

    /** A partition, or null if unknown; tests reach it through NodeSeams. */
    RaftPartition partition(int partitionId) {
        return partitions.get(partitionId);
    }

    /** Runs {@code hook} on every partition opened from now on, before it starts; tests reach it through NodeSeams. */
    void beforePartitionStarts(Consumer<RaftPartition> hook) {
        beforeStart = hook;
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
    public Subscription onPartitionFailure(PartitionFailureListener listener) {
        return RaftEvents.subscribe(events.partitionFailures, listener);
    }

    // ---------------------------------------------------------------- internals

    private RaftPartition userPartition(int partitionId) {
        return partitionId == RaftSystemCoordinator.SYSTEM_PARTITION ? null : partitions.get(partitionId);
    }

    private Collection<RaftPartition> allPartitions() {
        return partitions.values();
    }

    private List<RaftPartition> userPartitions() {
        return partitions.values().stream().filter(p -> p.id() != RaftSystemCoordinator.SYSTEM_PARTITION).toList();
    }

    /** Runs on partition 0's executor, where the coordinator applies the ranges, so check-then-start cannot race. */
    private void createPartitions(int count) {
        for (int id = 1; id <= count; id++) {
            if (closed) {
                return;
            }
            if (!partitions.containsKey(id)) {
                startPartition(new RaftPartition(id, context, callbacks));
            }
        }
    }

    private void startPartition(RaftPartition partition) {
        beforeStart.accept(partition);
        partitions.put(partition.id(), partition);
        partition.start();
    }

    private void onBatch(MessageBatch batch) {
        if (closed) {
            return;
        }
        if (!members.contains(batch.from())) {
            unknownSenderMessages.addAndGet(batch.messages().size());
            return;
        }
        for (RaftMessage message : batch.messages()) {
            RaftPartition partition = partitions.get(message.partition());
            if (partition == null) {
                unknownPartitionMessages.incrementAndGet();
            } else {
                partition.receive(batch.from(), message);
            }
        }
    }

    /** The owner of the user partitions' events: the application's listeners and the leader waiters. */
    private final class Callbacks implements PartitionCallbacks {
        @Override
        public void delivered(int partition, RaftLog log) {
            events.deliver(partition, log);
        }

        @Override
        public void restored(int partition, RaftLog log) {
            events.logRestored(partition, log);
        }

        @Override
        public void leaderChanged(int partition, String leader) {
            if (leader != null) {
                List<CompletableFuture<String>> waiters = leaderWaiters.get(partition);
                if (waiters != null) {
                    waiters.forEach(f -> f.complete(leader));
                }
            }
            events.leaderChanged(partition, leader);
        }

        @Override
        public void restoreStarted(int partition) {
            events.restoreStarted(partition);
        }

        @Override
        public void restoreFinished(int partition) {
            events.restoreFinished(partition);
        }

        @Override
        public void failed(int partition, Throwable error, long retryInMillis) {
            events.partitionFailure(partition, error, retryInMillis);
        }
    }
}
