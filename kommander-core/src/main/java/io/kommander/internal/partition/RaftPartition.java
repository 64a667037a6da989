package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One partition on one node: turns API calls and inbound messages into operations on its
 * {@link RaftPartitionExecutor}, and carries out what its {@link RaftPartitionStateMachine} asks (messages, WAL
 * writes, deliveries, completions). Everything that touches the state machine runs on the executor.
 *
 * <p>Public methods are thread-safe.
 */
public final class RaftPartition {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPartition.class);

    private final int id;
    private final PartitionContext context;
    private final PartitionCallbacks callbacks;
    private final RaftPartitionExecutor executor;
    private final RaftWriteAhead writeAhead;
    private final RestoreRetry retry;
    private final CompletableFuture<Void> restoredFuture = new CompletableFuture<>();

    // Executor-confined state.
    /** Null from a WAL failure until the next restore begins: the failed machine may be ahead of the disk. */
    private RaftPartitionStateMachine machine;
    private long nextRequestId = 1;
    private final Map<Long, CompletableFuture<RaftReplicationResult>> writeRequests = new HashMap<>();
    private final Map<Long, CompletableFuture<RaftOperationStatus>> statusRequests = new HashMap<>();
    /** Bumped by every WAL failure: completions of work submitted before it are ignored. */
    private int epoch;
    /** What the application received from this partition in this process, kept across restores. */
    private DeliveredSoFar delivered = DeliveredSoFar.NONE;
    private boolean restoreAnnounced;
    private boolean compacting;
    private boolean readyLeader; // as of the last drain, so the owner hears of each leadership once
    private final Set<PlantedBug> plantedBugs = EnumSet.noneOf(PlantedBug.class);

    // Snapshots for lock-free queries from any thread.
    private volatile boolean restored;
    /** The WAL failed too often in a row: the partition gave up until the node restarts. */
    private volatile boolean unavailable;
    private volatile boolean leaderQuick;
    private volatile String leaderQuickEndpoint;
    private volatile boolean closed;

    /**
     * Creates the partition; {@link #start()} begins its restore.
     *
     * @param id        the partition id
     * @param context   the node's shared services
     * @param callbacks where this partition's events go: the node for a user partition, the system coordinator
     *                  for partition 0
     */
    public RaftPartition(int id, PartitionContext context, PartitionCallbacks callbacks) {
        this.id = id;
        this.context = context;
        this.callbacks = callbacks;
        this.executor = new RaftPartitionExecutor("partition-" + id, context.runtime().partitionPool(),
                context.configuration().maxClientQueue(), this::afterDrain);
        this.writeAhead = new RaftWriteAhead(id, context.wal(), context.writes(), context.reads(), executor);
        // A replica out for an election timeout has lost its leadership anyway: retrying sooner buys nothing.
        this.retry = new RestoreRetry(context.configuration().electionTimeoutMinMillis());
    }

    /** The partition id. */
    public int id() {
        return id;
    }

    /**
     * Starts restoring from the WAL; {@link #restoredFuture()} completes when done, or fails if the partition gives
     * up (see {@link RestoreRetry}).
     */
    public void start() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, this::beginRestore);
    }

    /** Completes once the partition has restored from the WAL and takes part in the cluster. */
    public CompletableFuture<Void> restoredFuture() {
        return restoredFuture;
    }

    /** Whether the restore finished. */
    public boolean isRestored() {
        return restored;
    }

    /** Whether this node led the partition at the end of its last batch of work (no executor round-trip). */
    public boolean isLeaderQuick() {
        return leaderQuick;
    }

    /** The leader's endpoint as last known, or null. */
    public String leaderQuick() {
        return leaderQuickEndpoint;
    }

    /** Hands an inbound message to the partition. */
    public void receive(String from, RaftMessage message) {
        RaftPartitionExecutor.Priority priority =
                message instanceof RaftMessage.AppendLogs || message instanceof RaftMessage.AppendLogsResponse
                        ? RaftPartitionExecutor.Priority.REPLICATION
                        : RaftPartitionExecutor.Priority.CONTROL;
        executor.post(priority, () -> {
            if (machine != null) {
                machine.step(from, message, now());
            }
        });
    }

    /** Advances the partition's timers. */
    public void tick() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine != null) {
                machine.tick(now());
            }
        });
    }

    /** Compacts the WAL up to the last checkpoint every member holds, if any is new. */
    public void compact() {
        executor.post(RaftPartitionExecutor.Priority.MAINTENANCE, () -> {
            if (machine == null || compacting) {
                return;
            }
            LogPosition target = machine.compactionTarget();
            if (target == null) {
                return;
            }
            compacting = true;
            int at = epoch;
            writeAhead.compact(target, error -> {
                compacting = false;
                if (at != epoch) {
                    // A write failed since (and was logged): the restored machine read the compaction point anew.
                    return;
                }
                if (error != null) {
                    LOG.warn("partition {}: compaction to {} failed", id, target.index(), error);
                } else {
                    machine.compacted(target);
                }
            });
        });
    }

    /** Proposes entries (one per payload) under one ticket. */
    public CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, List<byte[]> payloads) {
        return submitWrite((machine, request) ->
                machine.propose(request, kind, logType, payloads, context.clock().now(), now()));
    }

    /** Appends the commit or rollback entry of a manual proposal. */
    public CompletableFuture<RaftReplicationResult> settle(HLCTimestamp ticket, boolean commit) {
        return submitWrite((machine, request) -> machine.settle(request, ticket, commit, now()));
    }

    /** Confirms leadership by ReadIndex and waits until applied; completes with the outcome. */
    public CompletableFuture<RaftOperationStatus> confirmLeadership() {
        return submitStatus((machine, request) -> machine.readIndex(request));
    }

    /** Transfers leadership to {@code target}. */
    public CompletableFuture<RaftOperationStatus> transferLeadership(String target) {
        return submitStatus((machine, request) -> machine.transferLeadership(request, target, now()));
    }

    /** Whether this node leads the partition, asked on the executor. */
    public CompletableFuture<Boolean> isLeader() {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        if (!executor.post(RaftPartitionExecutor.Priority.CONTROL,
                () -> result.complete(machine != null && machine.role() == RaftRole.LEADER))) {
            result.complete(false);
        }
        return result;
    }

    /** Runs a read-only query against the state machine on the executor; tests reach it through PartitionSeams. */
    <T> CompletableFuture<T> inspect(java.util.function.Function<RaftPartitionStateMachine, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine == null) {
                result.completeExceptionally(new IllegalStateException("partition " + id + " has no state: its WAL"
                        + " failed and it has not restored again"));
                return;
            }
            try {
                result.complete(query.apply(machine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            result.completeExceptionally(new IllegalStateException("partition " + id + " is closed"));
        }
        return result;
    }

    /**
     * Switches on a known-wrong behaviour in this partition's state machine, now and after every restore; tests
     * reach it through PartitionSeams. Posted to the executor, so it precedes the restore when called before
     * {@link #start()}.
     */
    void plant(PlantedBug bug) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            plantedBugs.add(bug);
            if (machine != null) {
                machine.plant(bug);
            }
        });
    }

    /** Stops the partition: pending requests complete with NodeClosed. */
    public void close() {
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            failAll(RaftOperationStatus.NodeClosed);
            done.complete(null);
        })) {
            done.complete(null);
        }
        try {
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("partition {}: close did not drain in time", id);
        }
        executor.close();
        restoredFuture.completeExceptionally(new io.kommander.RaftClosedException("node closed"));
    }

    // ------------------------------------------------------------------ requests

    private interface MachineCall {
        void call(RaftPartitionStateMachine machine, long requestId);
    }

    private CompletableFuture<RaftReplicationResult> submitWrite(MachineCall call) {
        CompletableFuture<RaftReplicationResult> future = new CompletableFuture<>();
        RaftOperationStatus early = earlyRefusal();
        if (early != null) {
            future.complete(RaftReplicationResult.failure(early, leaderQuickEndpoint));
            return future;
        }
        boolean queued = executor.post(RaftPartitionExecutor.Priority.CLIENT, () -> {
            RaftOperationStatus unready = unreadyStatus();
            if (unready != null) {
                future.complete(RaftReplicationResult.failure(unready, null));
                return;
            }
            long request = nextRequestId++;
            writeRequests.put(request, future);
            call.call(machine, request);
        });
        if (!queued) {
            future.complete(RaftReplicationResult.failure(
                    closed ? RaftOperationStatus.NodeClosed : RaftOperationStatus.ProposalQueueFull,
                    leaderQuickEndpoint));
        }
        return future;
    }

    private CompletableFuture<RaftOperationStatus> submitStatus(MachineCall call) {
        CompletableFuture<RaftOperationStatus> future = new CompletableFuture<>();
        RaftOperationStatus early = earlyRefusal();
        if (early != null) {
            future.complete(early);
            return future;
        }
        boolean queued = executor.post(RaftPartitionExecutor.Priority.CLIENT, () -> {
            RaftOperationStatus unready = unreadyStatus();
            if (unready != null) {
                future.complete(unready);
                return;
            }
            long request = nextRequestId++;
            statusRequests.put(request, future);
            call.call(machine, request);
        });
        if (!queued) {
            future.complete(closed ? RaftOperationStatus.NodeClosed : RaftOperationStatus.ProposalQueueFull);
        }
        return future;
    }

    private RaftOperationStatus earlyRefusal() {
        if (closed) {
            return RaftOperationStatus.NodeClosed;
        }
        if (unavailable) {
            return RaftOperationStatus.PartitionUnavailable;
        }
        if (!restored) {
            return RaftOperationStatus.RestoreInProgress;
        }
        return null;
    }

    /** On the executor: why the machine cannot take a request now, or null if it can. */
    private RaftOperationStatus unreadyStatus() {
        if (unavailable) {
            return RaftOperationStatus.PartitionUnavailable;
        }
        return machine == null || !machine.restored() ? RaftOperationStatus.RestoreInProgress : null;
    }

    private void failAll(RaftOperationStatus status) {
        writeRequests.values().forEach(f -> f.complete(RaftReplicationResult.failure(status, null)));
        writeRequests.clear();
        statusRequests.values().forEach(f -> f.complete(status));
        statusRequests.clear();
    }

    // ------------------------------------------------------------------ restore

    private void beginRestore() {
        machine = new RaftPartitionStateMachine(id, context.self(), context.peers(),
                PartitionSettings.of(context.configuration()),
                context.runtime().random(((long) context.configuration().nodeId() << 32) ^ id ^ ((long) epoch << 48)
                        ^ context.configuration().electionSeed()));
        plantedBugs.forEach(machine::plant);
        readyLeader = false;
        if (!restoreAnnounced) {
            // Once per process: a restore after a WAL failure replays nothing, so the application resets nothing.
            restoreAnnounced = true;
            callbacks.restoreStarted(id);
        }
        int at = epoch;
        writeAhead.readHead((head, error) -> {
            if (at != epoch) {
                return;
            }
            if (error != null) {
                walFailed(error);
                return;
            }
            machine.restoreBegin(head.hardState(), head.compacted(), head.lastCheckpoint(), delivered);
            restoreFrom(head.compacted().index() + 1, head.last().index(), at);
        });
    }

    private void restoreFrom(long from, long last, int at) {
        if (from > last) {
            machine.restoreEnd(now());
            restored = true;
            if (!restoredFuture.isDone()) {
                callbacks.restoreFinished(id);
                restoredFuture.complete(null);
            }
            return;
        }
        writeAhead.readChunk(from, last, (entries, error) -> {
            if (at != epoch) {
                return;
            }
            if (error != null || entries.isEmpty()) {
                walFailed(error != null ? error
                        : new IllegalStateException("WAL returned no entries at " + from + " (last " + last + ")"));
                return;
            }
            for (RaftLog log : machine.restoreEntries(entries)) {
                handRestored(log);
            }
            restoreFrom(entries.get(entries.size() - 1).index() + 1, last, at);
        });
    }

    /**
     * A WAL read or write failed: forget the in-memory state, which may be ahead of the disk, fail pending requests
     * with {@code ReplicationFailed}, and restore from the WAL again after {@link RestoreRetry}'s back-off, keeping
     * what the application already received ({@link DeliveredSoFar}). After too many failures in a row, give up:
     * the partition answers {@code PartitionUnavailable} and takes no part in the cluster until the node restarts.
     */
    private void walFailed(Throwable error) {
        epoch++;
        restored = false;
        leaderQuick = false;
        if (machine != null && machine.restored()) {
            delivered = new DeliveredSoFar(delivered.index(), machine.restoredThrough());
        }
        machine = null;
        failAll(RaftOperationStatus.ReplicationFailed);
        long delay = retry.failed();
        callbacks.failed(id, error, delay);
        if (delay < 0) {
            LOG.error("partition {}: the WAL failed {} times in a row; the partition stays out of the cluster until "
                    + "the node restarts", id, RestoreRetry.MAX_RETRIES + 1, error);
            unavailable = true;
            restoredFuture.completeExceptionally(error);
            return;
        }
        LOG.error("partition {}: the WAL failed; restoring from it in {} ms", id, delay, error);
        int at = epoch;
        if (delay == 0) {
            beginRestore();
        } else {
            context.runtime().schedule(delay, () -> executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
                if (at == epoch) {
                    beginRestore();
                }
            }));
        }
    }

    private void handRestored(RaftLog log) {
        callbacks.restored(id, log);
        delivered = delivered.handed(log.index());
    }

    // ------------------------------------------------------------------ carrying out Ready

    private void afterDrain() {
        if (machine == null) {
            return;
        }
        Ready ready;
        while (!(ready = machine.takeReady()).isEmpty()) {
            carryOut(ready);
        }
        leaderQuick = machine.role() == RaftRole.LEADER;
        boolean nowReadyLeader = machine.isReadyLeader();
        if (nowReadyLeader && !readyLeader) {
            callbacks.leaderReady(id);
        }
        readyLeader = nowReadyLeader;
    }

    private void carryOut(Ready ready) {
        for (Ready.Outbound out : ready.messages) {
            context.dispatcher().send(out.to(), out.message());
        }
        if (ready.leaderChanged) {
            leaderQuickEndpoint = machine.leader();
            callbacks.leaderChanged(id, machine.leader());
        }
        if (ready.persist != null) {
            persist(ready.persist);
        }
        for (RaftLog log : ready.restoredDeliveries) {
            handRestored(log);
        }
        for (RaftLog log : ready.deliveries) {
            callbacks.delivered(id, log);
            delivered = delivered.handed(log.index());
        }
        for (Ready.Completion completion : ready.completions) {
            CompletableFuture<RaftReplicationResult> future = writeRequests.remove(completion.requestId());
            if (future != null) {
                future.complete(completion.result());
            }
        }
        for (Ready.StatusCompletion completion : ready.statusCompletions) {
            CompletableFuture<RaftOperationStatus> future = statusRequests.remove(completion.requestId());
            if (future != null) {
                future.complete(completion.status());
            }
        }
        for (Ready.CatchUpRead read : ready.catchUpReads) {
            int at = epoch;
            writeAhead.readForCatchUp(read.from(), read.to(), context.configuration().maxBytesPerAppend(),
                    (entries, error) -> {
                        if (at != epoch) {
                            return;
                        }
                        if (error != null) {
                            LOG.warn("partition {}: catch-up read {}..{} for {} failed", id, read.from(), read.to(),
                                    read.peer(), error);
                            machine.catchUpReadFailed(read.peer());
                        } else {
                            machine.entriesRead(read.peer(), read.term(), entries);
                        }
                    });
        }
    }

    private void persist(Ready.PersistStep step) {
        int at = epoch;
        writeAhead.persist(step, error -> {
            if (at != epoch) {
                return;
            }
            if (error != null) {
                walFailed(error);
                return;
            }
            retry.writeSucceeded();
            for (Ready.Outbound out : step.after()) {
                context.dispatcher().send(out.to(), out.message());
            }
            machine.persisted(step.seq(), step.lastIndexAfter());
        });
    }

    /** The state machine's time: monotonic, so a wall-clock step moves no timer (only tickets read the wall). */
    private long now() {
        return context.runtime().monotonicMillis();
    }
}
